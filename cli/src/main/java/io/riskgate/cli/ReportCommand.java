package io.riskgate.cli;

import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.RecordQuery;
import io.riskgate.report.DeliveryReport;
import io.riskgate.report.HtmlDashboard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"DORA metrics (deployment frequency, lead time, change failure rate, time to restore), readiness per pipeline",
                "and risk calibration from the change records. Definitions: docs/metrics.md."},
        footer = {"", "Examples:",
                "  riskgate report --environment production --since 2026-10-01 --until 2026-11-01 --format json",
                "  riskgate report --html build/dashboard && open build/dashboard/index.html"})
final class ReportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOption store;

    @Mixin
    QueryOptions query;

    enum Format { text, json, openmetrics }

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|openmetrics",
            description = {"Default: ${DEFAULT-VALUE}. openmetrics: the metrics per environment as OpenMetrics text",
                    "(names in docs/telemetry.md), e.g. for node_exporter's textfile collector."})
    Format format;

    @Option(names = "--html", paramLabel = "DIR", description = "Also write a self-contained HTML dashboard (DIR/index.html).")
    Path html;

    @Option(names = "--production", paramLabel = "ENV", defaultValue = "production",
            description = "The environment whose deployments readiness expects approvals in (default: ${DEFAULT-VALUE}).")
    String production;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RecordQuery q = query.query();
        try (ChangeRecordStore s = store.openExisting()) {
            if (format == Format.openmetrics) {
                if (html != null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--html goes with --format text or json, not openmetrics");
                }
                out.print(io.riskgate.report.OpenMetricsReport.of(s, q, Instant.now(), production));
                Output.check(out);
                return ExitCodes.OK;
            }
            DeliveryReport report = DeliveryReport.of(s, q, Instant.now(), production);
            out.print(format == Format.json ? report.toJson() + System.lineSeparator() : report.toText());
            Output.check(out);
            if (html != null) {
                Path file = HtmlDashboard.write(html, report, s.page(q, 0, 50), "Deployment risk gates: delivery report");
                spec.commandLine().getErr().println("dashboard written to " + file);
            }
        }
        Output.check(out);
        return ExitCodes.OK;
    }
}
