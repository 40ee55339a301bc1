package io.riskgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riskgate.RiskGateException;
import io.riskgate.events.DeliveryEvent;
import io.riskgate.records.HttpRecordExporter;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Incident;
import io.riskgate.records.IncidentCsv;
import io.riskgate.records.IncidentReport;
import io.riskgate.records.IncidentStore;
import io.riskgate.report.TerminalText;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "incident", mixinStandardHelpOptions = true,
        description = {"Records incidents in the record store and links each to the deployment live when it started",
                "(the newest successful deployment of its pipeline and environment at or before the start), or to one you name.",
                "Reporting an incident again changes nothing; a resolution is final. Rules: docs/metrics.md#incidents."},
        subcommands = {IncidentCommand.Open.class, IncidentCommand.Resolve.class, IncidentCommand.Import.class, IncidentCommand.ListIncidents.class})
final class IncidentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: open, resolve, import or list");
    }

    /** The largest CSV file 'incident import' reads. */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    static String describe(IncidentStore.Result r) {
        Incident i = r.incident();
        String verb = switch (r.change()) {
            case ADDED -> i.open() ? "opened" : "recorded resolved";
            case UPDATED -> i.open() ? "updated" : "resolved";
            case UNCHANGED -> "unchanged";
        };
        String link = switch (i.link()) {
            case LIVE -> "linked to deployment " + i.deploymentId() + " (live when it started)";
            case EXPLICIT -> "linked to deployment " + i.deploymentId();
            case NONE -> "not linked: no successful deployment of " + TerminalText.safe(i.pipeline()) + " to "
                    + TerminalText.safe(i.environment()) + " before it started";
        };
        return "incident " + TerminalText.safe(i.id()) + " " + verb + ", " + link
                + (i.open() ? "" : ", restored in " + io.riskgate.report.DeliveryReport.duration((double) i.restoreSeconds()));
    }

    @Command(name = "open", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Opens an incident (or reports it again: nothing changes unless title or severity do).",
            footer = {"", "Example:",
                    "  riskgate incident open --id INC-4711 --title 'checkout errors' --severity SEV2 \\",
                    "      --pipeline shop --environment production --started 2026-11-24T10:30:00Z"})
    static final class Open implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        StoreOption store;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The incident's id at its source (a ticket, an alert).")
        String id;

        @Option(names = "--title", paramLabel = "TEXT", description = "What happened (default: the id).")
        String title;

        @Option(names = "--severity", paramLabel = "S", description = "As your incident process names it (SEV1, critical, ...).")
        String severity;

        @Option(names = "--pipeline", paramLabel = "P", description = "The pipeline whose service it hit (default: the --deployment's).")
        String pipeline;

        @Option(names = "--environment", paramLabel = "E", description = "The environment it hit (default: the --deployment's).")
        String environment;

        @Option(names = "--started", required = true, paramLabel = "T", description = "When it started.")
        String started;

        @Option(names = "--deployment", paramLabel = "ID", description = "Link this change record instead of the deployment live then.")
        String deployment;

        @Option(names = "--commit", paramLabel = "SHA", description = "Link the newest deployment of this commit finished by the start.")
        String commit;

        @Mixin
        WebhookOption webhook;

        @Override
        public Integer call() {
            IncidentReport report = new IncidentReport(id, "cli", title, severity, pipeline, environment, Times.parse(started, "--started"),
                    null, deployment, commit);
            HttpRecordExporter exporter = webhook.exporter();
            PrintWriter out = spec.commandLine().getOut();
            IncidentStore.Result result;
            try (ChangeRecordStore s = store.open()) {
                result = s.incidents().open(report);
                out.println(describe(result));
            }
            int sent = WebhookOption.send(exporter, DeliveryEvent.reported(result), out, spec.commandLine().getErr());
            Output.check(out);
            return sent;
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Resolves an incident. Resolving again changes nothing (the first resolution counts).",
                    "An incident the store does not know is recorded resolved when --started, --pipeline and --environment are given;",
                    "else it is refused (exit 2)."})
    static final class Resolve implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        StoreOption store;

        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        @Option(names = "--resolved", required = true, paramLabel = "T", description = "When service was restored.")
        String resolved;

        @Option(names = "--started", paramLabel = "T", description = "For an incident the store does not know: when it started.")
        String started;

        @Option(names = "--title", paramLabel = "TEXT")
        String title;

        @Option(names = "--severity", paramLabel = "S")
        String severity;

        @Option(names = "--pipeline", paramLabel = "P")
        String pipeline;

        @Option(names = "--environment", paramLabel = "E")
        String environment;

        @Option(names = "--deployment", paramLabel = "ID")
        String deployment;

        @Option(names = "--commit", paramLabel = "SHA")
        String commit;

        @Mixin
        WebhookOption webhook;

        @Override
        public Integer call() {
            IncidentReport report = new IncidentReport(id, "cli", title, severity, pipeline, environment, Times.parse(started, "--started"),
                    Times.parse(resolved, "--resolved"), deployment, commit);
            HttpRecordExporter exporter = webhook.exporter();
            PrintWriter out = spec.commandLine().getOut();
            IncidentStore.Result result;
            try (ChangeRecordStore s = store.open()) {
                result = s.incidents().resolve(report);
                out.println(describe(result));
            }
            int sent = WebhookOption.send(exporter, DeliveryEvent.reported(result), out, spec.commandLine().getErr());
            Output.check(out);
            return sent;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Imports incidents from CSV (" + IncidentCsv.HEADER + "; columns by name, id and startedAt required),",
                    "in one transaction: all or none. At most 100,000 rows and 64 MiB. Importing the same file twice changes nothing."})
    static final class Import implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        StoreOption store;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            try {
                if (!Files.isRegularFile(file)) {
                    throw new RiskGateException("cannot import " + file + ": " + (Files.isDirectory(file) ? "it is a directory" : "no such file"));
                }
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new RiskGateException("cannot import " + file + ": it has " + Files.size(file) + " bytes, more than the "
                            + MAX_FILE_BYTES + " an import reads: split it");
                }
            } catch (IOException e) {
                throw new RiskGateException("cannot read " + file + ": " + io.riskgate.AtomicFiles.cause(e));
            }
            List<IncidentReport> reports = new ArrayList<>();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                IncidentCsv.read(in, file.toString(), reports::add);
            } catch (IOException e) {
                throw new RiskGateException("cannot read " + file + ": " + io.riskgate.AtomicFiles.cause(e));
            }
            PrintWriter out = spec.commandLine().getOut();
            try (ChangeRecordStore s = store.open()) {
                int[] counts = new int[3];
                int unlinked = 0;
                for (IncidentStore.Result r : s.incidents().apply(reports)) {
                    counts[r.change().ordinal()]++;
                    unlinked += r.incident().link() == Incident.Link.NONE ? 1 : 0;
                }
                out.println("imported " + reports.size() + " incident" + (reports.size() == 1 ? "" : "s") + " into " + s.location() + ": "
                        + counts[0] + " new, " + counts[1] + " updated, " + counts[2] + " unchanged; " + unlinked
                        + " not linked (no deployment live when they started)");
            }
            Output.check(out);
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the incidents that started in the window, newest first, with the deployment each is linked to.")
    static final class ListIncidents implements Callable<Integer> {
        enum Format { text, json, csv }

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        StoreOption store;

        @Mixin
        QueryOptions query;

        @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|csv", description = "Default: ${DEFAULT-VALUE}.")
        Format format;

        @Option(names = "--limit", defaultValue = "1000", paramLabel = "N", description = "At most N incidents (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            try (ChangeRecordStore s = store.openExisting()) {
                List<Incident> incidents = s.incidents().incidents(query.query(), 0, Math.max(0, Math.min(limit, 100_000)));
                switch (format) {
                    case csv -> IncidentCsv.write(incidents, out);
                    case json -> {
                        List<Object> list = new ArrayList<>();
                        for (Incident i : incidents) {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("id", i.id());
                            m.put("title", i.title());
                            m.put("severity", i.severity());
                            m.put("pipeline", i.pipeline());
                            m.put("environment", i.environment());
                            m.put("startedAt", i.startedAt().toString());
                            m.put("resolvedAt", i.resolvedAt() == null ? null : i.resolvedAt().toString());
                            m.put("deployment", i.deploymentId());
                            m.put("link", i.link().name());
                            list.add(m);
                        }
                        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(list));
                    }
                    default -> {
                        for (Incident i : incidents) {
                            out.printf("%-24s %-9s %-20s %-12s %s -> %s  %s  %s%n", TerminalText.safe(i.id()),
                                    i.severity() == null ? "" : TerminalText.safe(i.severity()), TerminalText.safe(i.pipeline()),
                                    TerminalText.safe(i.environment()), i.startedAt(), i.resolvedAt() == null ? "open" : i.resolvedAt(),
                                    i.deploymentId() == null ? "unlinked" : i.deploymentId(), TerminalText.safe(i.title()));
                        }
                    }
                }
            }
            Output.check(out);
            return ExitCodes.OK;
        }
    }
}
