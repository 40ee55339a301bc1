package io.riskgate.cli;

import io.riskgate.RiskGateException;
import io.riskgate.report.Assessment;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.risk.Level;
import io.riskgate.risk.Thresholds;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "record", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Writes one change record (a deployment and its outcome). Writing the same id again replaces it, never duplicates it.",
        footer = {"", "Example:",
                "  riskgate record --pipeline shop --environment production --commit \"$(git rev-parse HEAD)\" \\",
                "      --commit-time \"$(git show -s --format=%%cI HEAD)\" --started 2026-11-24T10:00:00Z --finished 2026-11-24T10:07:00Z \\",
                "      --outcome SUCCEEDED --risk 42 --level MEDIUM",
                "",
                "  riskgate assess --base \"$DEPLOYED\" --format json > risk.json     # before deploying",
                "  riskgate record --assessment risk.json --pipeline shop --environment production \\",
                "      --started \"$START\" --finished \"$(date -u +%%FT%%TZ)\" --outcome SUCCEEDED",
                "  (the record then carries the score, level, model and change metrics: what learned models learn from)"})
final class RecordCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StoreOption store;

    @Option(names = "--pipeline", required = true, paramLabel = "P", description = "The pipeline (job) that deployed.")
    String pipeline;

    @Option(names = "--environment", required = true, paramLabel = "E")
    String environment;

    @Option(names = "--commit", paramLabel = "SHA", description = "The deployed commit (default: the head of --assessment).")
    String commit;

    @Option(names = "--assessment", paramLabel = "FILE",
            description = "The output of 'riskgate assess --format json' for the deployed change: the record takes its score, level, model"
                    + " and change metrics (--risk and --level override).")
    Path assessment;

    @Option(names = "--commit-time", paramLabel = "T",
            description = "When the change was committed: lead time starts here (default: the first commit time of --assessment).")
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

    @Option(names = "--policy", paramLabel = "FILE",
            description = "The policy whose thresholds --level must agree with --risk by (default: .riskgate.yml here, else the defaults).")
    Path policy;

    @Override
    public Integer call() {
        Assessment a = assessment == null ? null : read(assessment);
        String sha = commit != null ? commit : a == null ? null : a.head();
        if (sha == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--commit=SHA' (or --assessment FILE)");
        }
        Integer score = risk != null ? risk : a == null ? null : a.score();
        String lvl = level(score, a);
        Instant committed = commitTime != null ? Times.parse(commitTime, "--commit-time") : a == null ? null : a.firstCommitTime();
        ChangeRecord record = new ChangeRecord(id, pipeline, environment, sha, committed,
                Times.parse(started, "--started"), Times.parse(finished, "--finished"), outcome, score,
                lvl, a == null ? null : a.model(), startedBy, buildUrl, runbook, pir, rollbackCommand,
                null, null, null, null, a == null ? ChangeRecord.Metrics.NONE : a.metrics());
        try {
            record.checkPlausible();
        } catch (RiskGateException e) {
            throw new RiskGateException("cannot record the deployment: " + e.getMessage()
                    + (commitTime == null && committed != null ? " (the commit time is the first commit time of --assessment " + assessment + ")" : ""));
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ChangeRecordStore s = store.open()) {
            s.save(record);
            out.println("recorded " + record.id() + " in " + s.location());
        }
        Output.check(out);
        return ExitCodes.OK;
    }

    /** The level to record: --level (a level, and the one --risk has under the policy's thresholds), else the assessment's. */
    private String level(Integer score, Assessment a) {
        if (level == null) {
            return a == null ? null : risk != null ? thresholds().levelOf(risk).name() : a.level().name();
        }
        Level given;
        try {
            given = Level.valueOf(level.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--level must be LOW, MEDIUM, HIGH or CRITICAL (got "
                    + io.riskgate.records.RecordTimes.quote(level) + ")");
        }
        if (score != null) {
            Thresholds t = thresholds();
            Level expected = t.levelOf(score);
            if (expected != given) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--level " + given + " contradicts risk " + score + ", which is "
                        + expected + " (thresholds: MEDIUM from " + t.medium() + ", HIGH from " + t.high() + ", CRITICAL from " + t.critical()
                        + "): give the level of the score, or only one of them");
            }
        }
        return given.name();
    }

    private Thresholds thresholds() {
        return PolicyLoader.load(Path.of("."), policy).scoring().thresholds();
    }

    /** The assessment of {@code --assessment}, read once into the typed contract. */
    private static Assessment read(Path file) {
        try {
            return Assessment.read(Files.readString(file, StandardCharsets.UTF_8), "--assessment " + file);
        } catch (NoSuchFileException e) {
            throw new RiskGateException("--assessment " + file + " does not exist: pass the output of 'riskgate assess --format json'");
        } catch (IOException e) {
            throw new RiskGateException("cannot read --assessment " + file + " (" + e.getClass().getSimpleName() + "): "
                    + "pass the output of 'riskgate assess --format json'");
        }
    }
}
