package io.riskgate.cli;

import io.riskgate.RiskGateException;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordCsv;
import io.riskgate.records.ChangeRecordStore;
import java.io.IOException;
import java.io.PrintWriter;
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
                "Records keep their ids: importing the same file twice changes nothing. A file holds each id once.",
                "Says how many records were new, updated (same id, other values) and unchanged.",
                "After writing 10,000 records or more, and a tenth of the store or more, into an embedded store it compacts the",
                "store's file (riskgate store compact) when no other process has the store open."})
final class ImportCommand implements Callable<Integer> {
    private static final int BATCH = 10_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "FILE", description = "The CSV file.")
    Path file;

    @CommandLine.Option(names = "--no-compact", description = "Leave an embedded store's file as it is after a large import.")
    boolean noCompact;

    /**
     * Whether an import that wrote {@code written} records (new or changed) into a store that then holds
     * {@code stored} compacts it: 10,000 or more that are also a tenth of the store or more. The free
     * space an import leaves grows with what it wrote, a compaction's time with the whole store.
     */
    static boolean compactsAfter(long written, long stored) {
        return written >= BATCH && written * 10 >= stored;
    }

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            throw new RiskGateException("cannot import " + file + ": " + (Files.isDirectory(file) ? "it is a directory" : "no such file"));
        }
        int[] counts = {0, 0, 0};
        TerminalProgress progress = TerminalProgress.forStream(spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int[] checked = {0};
            // the whole file is checked first: bad input writes nothing
            ChangeRecordCsv.read(in, file.toString(), r -> {
                if (++checked[0] % BATCH == 0 && progress != null) {
                    progress.show("checked " + checked[0] + " records of " + file.getFileName());
                }
            });
        } catch (IOException e) {
            throw new RiskGateException("cannot read " + file + ": " + io.riskgate.AtomicFiles.cause(e));
        }
        try (ChangeRecordStore s = store.open(); Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<ChangeRecord> batch = new ArrayList<>(BATCH);
            Runnable flush = () -> {
                ChangeRecordStore.Saved saved = s.write(batch);
                counts[0] += saved.added();
                counts[1] += saved.replaced();
                counts[2] += saved.unchanged();
                batch.clear();
            };
            ChangeRecordCsv.read(in, file.toString(), r -> {
                batch.add(r);
                if (batch.size() == BATCH) {
                    flush.run();
                    if (progress != null) {
                        progress.show("imported " + (counts[0] + counts[1] + counts[2]) + " records");
                    }
                }
            });
            flush.run();
            if (progress != null) {
                progress.clear();
            }
            int total = counts[0] + counts[1] + counts[2];
            out.println("imported " + total + " record" + (total == 1 ? "" : "s") + " into " + s.location() + ": " + counts[0] + " new, "
                    + counts[1] + " updated, " + counts[2] + " unchanged");
            long written = counts[0] + counts[1];
            if (!noCompact && s instanceof io.riskgate.records.JdbcChangeRecordStore jdbc && jdbc.isEmbedded()
                    && compactsAfter(written, s.count(io.riskgate.records.RecordQuery.ALL))) {
                try {
                    out.println(StoreCommand.compact(jdbc, progress));
                } catch (io.riskgate.records.RecordStoreException e) {
                    // the records are in; only the file stays larger than it needs to be
                    spec.commandLine().getErr().println("riskgate: left the record store's file as it is: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new RiskGateException("cannot read " + file + ": " + io.riskgate.AtomicFiles.cause(e));
        }
        Output.check(out);
        return ExitCodes.OK;
    }
}
