package io.riskgate.cli;

import io.riskgate.RiskGateException;
import io.riskgate.evidence.JUnitReports;
import io.riskgate.evidence.TestEvidence;
import io.riskgate.gate.DeploymentHistory;
import io.riskgate.gate.GateDecision;
import io.riskgate.gate.GateEvaluator;
import io.riskgate.gate.PromotionCandidate;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.RiskPolicy;
import io.riskgate.report.AssessmentReport;
import io.riskgate.report.GateReport;
import io.riskgate.rollback.RollbackPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Decides whether a change may be promoted into an environment: tests, rollback, previous environment,",
                "freeze windows and risk, each rule with its reason. The same gate as the Jenkins promote step."},
        footer = {"", "Examples:",
                "  riskgate assess --base \"$DEPLOYED\" --format json > risk.json",
                "  riskgate gate --environment production --assessment risk.json --tests '**/target/surefire-reports/*.xml' \\",
                "      --rollback-command './deploy.sh --rollback' --runbook https://runbooks.example/shop --deployed staging=\"$(git rev-parse HEAD)\"",
                "",
                "Exit codes: 0 ALLOW, 4 NEEDS_APPROVAL, 3 BLOCK, 2 bad input (one line on stderr)."})
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

    @Option(names = "--deployed", paramLabel = "ENV=SHA", description = "The commit last deployed successfully to an environment; repeatable.")
    Map<String, String> deployed = new LinkedHashMap<>();

    @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".", description = "Where the policy file and test reports are (default: ${DEFAULT-VALUE}).")
    Path repo;

    @Option(names = "--policy", paramLabel = "FILE", description = "Policy file (default: .riskgate.yml in --repo, else built-in defaults).")
    Path policy;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Output format (default: ${DEFAULT-VALUE}).")
    AssessCommand.Format format;

    @Option(names = "--now", paramLabel = "INSTANT", description = "Evaluate as of this time (ISO-8601), e.g. to check a freeze window.")
    String now;

    @Override
    public Integer call() {
        PromotionCandidate candidate = AssessmentReport.readCandidate(read(assessment), assessment.toString());
        RiskPolicy riskPolicy = PolicyLoader.load(repo, policy);
        TestEvidence evidence = tests == null ? null : JUnitReports.collectIfAny(repo, tests);
        RollbackPlan plan = rollbackCommand == null && runbook == null ? null
                : new RollbackPlan(environment, rollbackCommand, runbook, Times.parse(rollbackExercised, "--rollback-exercised"));
        Clock clock = now == null ? Clock.systemUTC() : Clock.fixed(Times.parse(now, "--now"), ZoneOffset.UTC);
        GateDecision decision = GateEvaluator.evaluate(riskPolicy.promotion(), environment, candidate, evidence, plan,
                DeploymentHistory.of(deployed), clock);
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
        out.flush();
        return switch (decision.outcome()) {
            case ALLOW -> ExitCodes.OK;
            case NEEDS_APPROVAL -> ExitCodes.NEEDS_APPROVAL;
            case BLOCK -> ExitCodes.ABOVE_THRESHOLD;
        };
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
