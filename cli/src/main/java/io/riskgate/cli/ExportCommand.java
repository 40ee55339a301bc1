package io.riskgate.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskgate.records.ChangeRecordCsv;
import io.riskgate.records.ChangeRecordJson;
import io.riskgate.records.ChangeRecordStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes the change records to standard output, oldest first, as CSV (the import layout) or a JSON array.")
final class ExportCommand implements Callable<Integer> {
    enum Format { csv, json }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOption store;

    @Mixin
    QueryOptions query;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|json", description = "Default: ${DEFAULT-VALUE}.")
    Format format;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long[] written = {0};
        try (ChangeRecordStore s = store.openExisting()) {
            // the incidents of the exported deployments, read first: few beside the records, which stream
            java.util.Map<String, java.util.List<io.riskgate.records.Incident>> incidents =
                    s.incidents().forDeployments(s.incidents().linkedDeployments(query.query()));
            if (format == Format.csv) {
                try (ChangeRecordCsv.Writer w = new ChangeRecordCsv.Writer(out)) {
                    s.forEach(query.query(), r -> {
                        w.write(r, incidents.getOrDefault(r.id(), java.util.List.of()).stream().map(io.riskgate.records.Incident::id).toList());
                        if (++written[0] % 1000 == 0) {
                            Output.check(out);   // stop at the first lost line, not at the end
                        }
                    });
                }
            } else {
                try (JsonGenerator json = new ObjectMapper().getFactory().createGenerator(out)) {
                    json.useDefaultPrettyPrinter();
                    json.writeStartArray();
                    s.forEach(query.query(), r -> {
                        try {
                            json.writeObject(ChangeRecordJson.toMap(r, incidents.getOrDefault(r.id(), java.util.List.of())));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        if (++written[0] % 1000 == 0) {
                            Output.check(out);
                        }
                    });
                    json.writeEndArray();
                }
                out.println();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Output.check(out);
        return ExitCodes.OK;
    }
}
