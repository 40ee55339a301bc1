package io.riskgate.cli;

import io.riskgate.RiskGateException;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordCsv;
import io.riskgate.records.ChangeRecordStore;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Imports change records from CSV (the layout of 'riskgate export --format csv'), in transactions of 10,000.",
                "Records keep their ids: importing the same file twice changes nothing."})
final class ImportCommand implements Callable<Integer> {
    private static final int BATCH = 10_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "FILE", description = "The CSV file.")
    Path file;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            throw new RiskGateException("cannot import " + file + ": no such file");
        }
        long[] count = {0};
        TerminalProgress progress = TerminalProgress.forStream(spec.commandLine().getErr());
        try (ChangeRecordStore s = store.open(); Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<ChangeRecord> batch = new ArrayList<>(BATCH);
            ChangeRecordCsv.read(in, file.toString(), r -> {
                batch.add(r);
                if (batch.size() == BATCH) {
                    count[0] += s.saveAll(batch);
                    batch.clear();
                    if (progress != null) {
                        progress.show("imported " + count[0] + " records");
                    }
                }
            });
            count[0] += s.saveAll(batch);
            if (progress != null) {
                progress.clear();
            }
            spec.commandLine().getOut().println("imported " + count[0] + " records into " + s.location());
        } catch (IOException e) {
            throw new RiskGateException("cannot read " + file + ": " + e.getMessage());
        }
        return ExitCodes.OK;
    }
}
