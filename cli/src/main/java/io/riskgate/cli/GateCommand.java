package io.riskgate.cli;

import io.riskgate.RiskGateException;
import io.riskgate.evidence.JUnitReports;
import io.riskgate.evidence.TestEvidence;
import io.riskgate.gate.Approval;
import io.riskgate.gate.ApprovalCheck;
import io.riskgate.gate.ApprovalInput;
import io.riskgate.gate.Approver;
import io.riskgate.gate.DeploymentHistory;
import io.riskgate.gate.GateDecision;
import io.riskgate.gate.GateEvaluator;
import io.riskgate.gate.PromotionCandidate;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.RiskPolicy;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.RecordStores;
import io.riskgate.report.Assessment;
import io.riskgate.report.GateReport;
import io.riskgate.rollback.RollbackPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Decides whether a change may be promoted into an environment: tests, rollback, previous environment,",
                "soak time, freeze windows, risk and approvals, each rule with its reason. The same gate as the Jenkins promote step."},
        footer = {"", "Examples:",
                "  riskgate assess --base \"$DEPLOYED\" --format json > risk.json",
                "  riskgate gate --environment production --assessment risk.json --tests '**/target/surefire-reports/*.xml' \\",
                "      --rollback-command './deploy.sh --rollback' --runbook https://runbooks.example/shop --deployed staging=\"$(git rev-parse HEAD)\"",
                "  riskgate gate --environment production --assessment risk.json --deployed staging=\"$SHA@2026-12-01T08:00:00Z\" \\",
                "      --approved-by alice=alice@example.com:release-managers --approved-by bob:security --started-by carol",
                "  riskgate gate --environment production --assessment risk.json --store ~/.riskgate/records --pipeline shop",
                "",
                "Exit codes: 0 ALLOW, 4 NEEDS_APPROVAL, 3 BLOCK, 2 bad input (one line on stderr), 5 output error (retry)."})
final class GateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--environment", paramLabel = "ENV", required = true, description = "The environment to promote into.")
    String environment;

    @Option(names = "--assessment", paramLabel = "FILE", required = true, description = "The change's assessment: the output of 'riskgate assess --format json'.")
    Path assessment;

    @Option(names = "--tests", paramLabel = "GLOB", description = "JUnit XML reports, comma-separated Ant-style globs relative to --repo.")
    String tests;

    @Option(names = "--rollback-command", paramLabel = "CMD", description = "How to undo the deployment.")
    String rollbackCommand;

    @Option(names = "--runbook", paramLabel = "URL", description = "The rollback runbook (http or https).")
    String runbook;

    @Option(names = "--rollback-exercised", paramLabel = "DATE", description = "When the rollback last ran or was rehearsed (2026-11-01 or an ISO-8601 instant).")
    String rollbackExercised;

    @Option(names = "--deployed", paramLabel = "ENV=SHA[@TIME]", description = {"The commit last deployed successfully to an environment,",
            "and when (ISO-8601 or a date; for the soak time); repeatable. Without it, --store says."})
    Map<String, String> deployed = new LinkedHashMap<>();

    @Option(names = "--approved-by", paramLabel = "USER[=EMAIL][:GROUP,...]", description = {"Someone who approved the promotion, with their e-mail",
            "(compared with the change's authors) and groups; repeatable. Counted against the environment's quorum."})
    List<String> approvedBy = new ArrayList<>();

    @Option(names = "--rejected-by", paramLabel = "USER[=EMAIL][:GROUP,...]", description = "Someone who rejected the promotion; repeatable.")
    List<String> rejectedBy = new ArrayList<>();

    @Option(names = "--started-by", paramLabel = "USER", description = "Who started the pipeline (may not approve unless the policy allows it).")
    String startedBy;

    @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".", description = "Where the policy file and test reports are (default: ${DEFAULT-VALUE}).")
    Path repo;

    @Option(names = "--policy", paramLabel = "FILE", description = "Policy file (default: .riskgate.yml in --repo, else built-in defaults).")
    Path policy;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Output format (default: ${DEFAULT-VALUE}).")
    AssessCommand.Format format;

    @Option(names = "--now", paramLabel = "INSTANT", description = "Evaluate as of this time (ISO-8601), e.g. to check a freeze window.")
    String now;

    @Option(names = "--pipeline", paramLabel = "P", description = {"The pipeline promoting: with a requireReviewedFailures rule,",
            "its failures waiting for a post-incident review are read from --store; without --deployed, only its deployments count."})
    String pipeline;

    @Option(names = "--store", paramLabel = "PATH|JDBC_URL", description = {"The record store to read them from (default: ~/.riskgate/records);",
            "given without --deployed, what was deployed where is read from it too."})
    String store;

    @Option(names = "--awaiting-review", paramLabel = "ID@TIME", description = {"A failure in --environment waiting for a review,",
            "instead of reading the store (repeatable)."})
    List<String> awaitingReview = new ArrayList<>();

    /** The failures waiting for a review: given with --awaiting-review, else read from the store when the rule applies and --pipeline is given. */
    private java.util.function.Function<String, List<io.riskgate.gate.PendingReview>> pendingReviews(RiskPolicy riskPolicy) {
        List<io.riskgate.gate.PendingReview> given = new ArrayList<>();
        for (String a : awaitingReview) {
            int at = a.lastIndexOf('@');
            if (at <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--awaiting-review must be ID@TIME (got '" + a + "')");
            }
            given.add(new io.riskgate.gate.PendingReview(a.substring(0, at), a.substring(0, at), Times.parse(a.substring(at + 1),
                    "--awaiting-review"), "awaiting review"));
        }
        given.sort(java.util.Comparator.comparing(io.riskgate.gate.PendingReview::finishedAt));
        if (!awaitingReview.isEmpty() || pipeline == null
                || riskPolicy.promotion().environment(environment).requireReviewedFailures() == null) {
            return env -> env.equalsIgnoreCase(environment) ? given : List.of();
        }
        List<io.riskgate.gate.PendingReview> read = new ArrayList<>();
        try (io.riskgate.records.ChangeRecordStore s = io.riskgate.records.RecordStores.open(store)) {
            for (io.riskgate.records.IncidentStore.AwaitingReview a : s.incidents().awaitingReview(
                    new io.riskgate.records.RecordQuery(riskPolicy.promotion().environment(environment).name(), pipeline, null, null), 100)) {
                read.add(new io.riskgate.gate.PendingReview(a.deploymentId(), a.commit(), a.finishedAt(), a.why()));
            }
        }
        return env -> env.equalsIgnoreCase(environment) ? read : List.of();
    }

    @Override
    public Integer call() {
        java.time.Instant exercised = Times.parse(rollbackExercised, "--rollback-exercised");
        if (exercised != null && rollbackCommand == null && runbook == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--rollback-exercised says when the rollback ran: declare it with --rollback-command or --runbook");
        }
        PromotionCandidate candidate = Assessment.read(read(assessment), assessment.toString()).candidate();
        RiskPolicy riskPolicy = PolicyLoader.load(repo, policy);
        TestEvidence evidence = tests == null ? null : JUnitReports.collectIfAny(repo, tests);
        RollbackPlan plan = rollbackCommand == null && runbook == null ? null
                : new RollbackPlan(environment, rollbackCommand, runbook, exercised);
        Clock clock = now == null ? Clock.systemUTC() : Clock.fixed(Times.parse(now, "--now"), ZoneOffset.UTC);
        Map<String, String> commits = new LinkedHashMap<>();
        Map<String, Instant> times = new LinkedHashMap<>();
        deployed.forEach((env, value) -> {
            int at = value.indexOf('@');
            commits.put(env, at < 0 ? value : value.substring(0, at));
            if (at >= 0) {
                times.put(env, Times.parse(value.substring(at + 1), "--deployed " + env));
            }
        });
        List<Approval> decisions = new ArrayList<>();
        Instant decided = clock.instant();
        approvedBy.forEach(a -> decisions.add(new Approval(approver(a, "--approved-by"), true, decided, null)));
        rejectedBy.forEach(a -> decisions.add(new Approval(approver(a, "--rejected-by"), false, decided, null)));
        ChangeRecordStore records = deployed.isEmpty() && store != null ? RecordStores.openExisting(store) : null;
        GateDecision decision;
        try {
            DeploymentHistory history = records != null ? new StoreHistory(records, pipeline) : DeploymentHistory.of(commits, times);
            decision = GateEvaluator.evaluate(riskPolicy.promotion(), environment, candidate, evidence, plan,
                    history.withAwaitingReview(pendingReviews(riskPolicy)), clock, new ApprovalInput(decisions, startedBy, ApprovalCheck.caseInsensitive()));
        } finally {
            if (records != null) {
                records.close();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == AssessCommand.Format.json) {
            out.println(GateReport.toJson(decision));
        } else {
            if (evidence != null) {
                out.println("Tests: " + evidence.summary());
            } else if (tests != null) {
                out.println("Tests: no reports match '" + tests + "' in " + repo);
            }
            out.print(GateReport.toText(decision));
        }
        Output.check(out);
        return switch (decision.outcome()) {
            case ALLOW -> ExitCodes.OK;
            case NEEDS_APPROVAL -> ExitCodes.NEEDS_APPROVAL;
            case BLOCK -> ExitCodes.ABOVE_THRESHOLD;
        };
    }

    /** {@code alice}, {@code alice=alice@example.com}, {@code alice:release-managers,security}, or both. */
    static Approver approver(String spec, String option) {
        String text = spec.strip();
        int colon = text.indexOf(':');
        String person = colon < 0 ? text : text.substring(0, colon);
        List<String> groups = colon < 0 ? List.of() : Arrays.stream(text.substring(colon + 1).split(",")).map(String::strip)
                .filter(g -> !g.isEmpty()).toList();
        int eq = person.indexOf('=');
        String id = (eq < 0 ? person : person.substring(0, eq)).strip();
        String email = eq < 0 ? (id.contains("@") ? id : null) : person.substring(eq + 1).strip();
        if (id.isEmpty() || (email != null && !email.contains("@"))) {
            throw new RiskGateException(option + " must be USER, USER=EMAIL, and optionally :GROUP,GROUP (got '" + spec + "')");
        }
        return new Approver(id, email, groups);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new RiskGateException("cannot read assessment " + file + " (" + e.getClass().getSimpleName() + "): "
                    + "pass the output of 'riskgate assess --format json'");
        }
    }
}
