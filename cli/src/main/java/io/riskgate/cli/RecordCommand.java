package io.riskgate.cli;

import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Outcome;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "record", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Writes one change record (a deployment and its outcome). Writing the same id again replaces it, never duplicates it.",
        footer = {"", "Example:",
                "  riskgate record --pipeline shop --environment production --commit \"$(git rev-parse HEAD)\" \\",
                "      --commit-time \"$(git show -s --format=%cI HEAD)\" --started 2026-11-24T10:00:00Z --finished 2026-11-24T10:07:00Z \\",
                "      --outcome SUCCEEDED --risk 42 --level MEDIUM"})
final class RecordCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOption store;

    @Option(names = "--pipeline", required = true, paramLabel = "P", description = "The pipeline (job) that deployed.")
    String pipeline;

    @Option(names = "--environment", required = true, paramLabel = "E")
    String environment;

    @Option(names = "--commit", required = true, paramLabel = "SHA")
    String commit;

    @Option(names = "--commit-time", paramLabel = "T", description = "When the change was committed: lead time starts here.")
    String commitTime;

    @Option(names = "--started", required = true, paramLabel = "T")
    String started;

    @Option(names = "--finished", required = true, paramLabel = "T")
    String finished;

    @Option(names = "--outcome", required = true, paramLabel = "SUCCEEDED|FAILED|ROLLED_BACK")
    Outcome outcome;

    @Option(names = "--risk", paramLabel = "N", description = "The change's risk score, 0-100.")
    Integer risk;

    @Option(names = "--level", paramLabel = "LEVEL", description = "LOW, MEDIUM, HIGH or CRITICAL.")
    String level;

    @Option(names = "--id", paramLabel = "ID", description = "A stable id (default: derived from pipeline, environment, commit and start).")
    String id;

    @Option(names = "--build-url", paramLabel = "URL")
    String buildUrl;

    @Option(names = "--runbook", paramLabel = "URL")
    String runbook;

    @Option(names = "--pir", paramLabel = "URL", description = "The post-incident review of a failed deployment.")
    String pir;

    @Option(names = "--rollback-command", paramLabel = "CMD")
    String rollbackCommand;

    @Option(names = "--started-by", paramLabel = "USER")
    String startedBy;

    @Override
    public Integer call() {
        ChangeRecord record = new ChangeRecord(id, pipeline, environment, commit, Times.parse(commitTime, "--commit-time"),
                Times.parse(started, "--started"), Times.parse(finished, "--finished"), outcome, risk,
                level == null ? null : level.toUpperCase(java.util.Locale.ROOT), null, startedBy, buildUrl, runbook, pir, rollbackCommand,
                null, null, null, null, ChangeRecord.Metrics.NONE);
        try (ChangeRecordStore s = store.open()) {
            s.save(record);
            spec.commandLine().getOut().println("recorded " + record.id() + " in " + s.location());
        }
        return ExitCodes.OK;
    }
}
