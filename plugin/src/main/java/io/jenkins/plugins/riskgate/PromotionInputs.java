package io.jenkins.plugins.riskgate;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Cause;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.riskgate.operations.Reviews;
import io.jenkins.plugins.riskgate.operations.Telemetry;
import io.riskgate.RiskGateException;
import io.riskgate.evidence.TestEvidence;
import io.riskgate.gate.GateDecision;
import io.riskgate.gate.GateEvaluator;
import io.riskgate.gate.GateOutcome;
import io.riskgate.gate.RuleResult;
import io.riskgate.policy.EnvironmentRules;
import io.riskgate.policy.RiskPolicy;
import io.riskgate.policy.VerificationRules;
import io.riskgate.report.GateReport;
import io.riskgate.rollback.RollbackPlan;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * What a promotion is decided from, read once from the build: the latest assessment, the global and
 * the repository's policy, the test evidence, the declared rollback, the job's history; and the gate
 * evaluated on them (by core's {@link GateEvaluator}). Later decisions re-read the environment's
 * rules from the policy the gate applied.
 */
@Restricted(NoExternalUse.class)
final class PromotionInputs {
    private final PromoteStepExecution step;

    PromotionInputs(PromoteStepExecution step) {
        this.step = step;
    }

    /** The decision and what it was made from. */
    record Gate(GateDecision decision, EnvironmentRules rules, TestEvidence evidence, RiskAssessmentAction assessment) {
        /** Until when the promotion soaks: a block that lifts by itself once the soak time has passed. */
        Optional<Instant> soak() {
            return decision.outcome() == GateOutcome.BLOCK ? decision.waitUntil() : Optional.empty();
        }
    }

    /** Reads the inputs, evaluates the gate and prints its decision; remembers in the step what later phases need. */
    Gate gather() throws IOException, InterruptedException {
        Run<?, ?> run = step.getContext().get(Run.class);
        TaskListener listener = step.getContext().get(TaskListener.class);
        if (step.environment == null) {
            throw new AbortException("promote needs an environment: promote(to: 'production') { ... }");
        }
        // null at the top level of a Pipeline or in an agent-none stage: the gate needs no workspace
        FilePath workspace = step.getContext().get(FilePath.class);
        RiskAssessmentAction assessment = latestAssessment(run);
        Gate gate;
        try {
            String[] repository = workspace != null ? Policies.repositoryPolicy(workspace) : null;
            if (repository == null) {
                repository = assessment.repositoryPolicy();   // the policy of the assessed checkout
            }
            step.repositoryPolicy = repository == null ? null : repository[0];
            step.repositoryPolicyName = repository == null ? null : repository[1];
            RiskPolicy policy = Policies.effective(RiskGateConfiguration.get().getPolicy(), repository, listener);
            EnvironmentRules rules = Policies.environment(policy, step.environment);
            step.verifies = verificationRules(rules) != null;   // a bad verify parameter fails before anything waits
            step.rollbackOnFailure = rules.rollbackOnFailure();
            TestEvidence evidence = Evidence.of(run, workspace, step.tests, listener);
            RollbackPlansAction plans = run.getAction(RollbackPlansAction.class);
            RollbackPlan plan = plans == null ? null : plans.planFor(rules.name());
            GateDecision decision = GateEvaluator.evaluate(policy.promotion(), rules.name(), assessment.assessment().candidate(), evidence, plan,
                    new PromotionHistory(run).withAwaitingReview(Reviews.awaiting(run.getParent().getFullName())),
                    Clock.systemUTC());
            Telemetry.gateDecision(decision.environment(), decision.outcome().name());
            step.job = run.getParent().getFullName();
            step.build = run.getNumber();
            step.laneEnvironment = rules.name();
            gate = new Gate(decision, rules, evidence, assessment);
        } catch (RiskGateException e) {
            throw new AbortException(e.getMessage());
        }
        for (String line : GateReport.toText(gate.decision()).split("\\R")) {
            listener.getLogger().println("[riskgate] " + line);
        }
        return gate;
    }

    /** The environment's rules as they stand now: the global policy and the repository policy the gate applied. */
    EnvironmentRules rules() {
        String[] repository = step.repositoryPolicy == null ? null : new String[] {step.repositoryPolicy, step.repositoryPolicyName};
        return Policies.environment(Policies.effective(RiskGateConfiguration.get().getPolicy(), repository, null), step.environment);
    }

    /** The policy's verification of the environment, else the step's, else none. */
    VerificationRules verificationRules(EnvironmentRules rules) {
        if (rules.verify() != null) {
            return rules.verify();
        }
        String[] verify = step.verify;
        return verify == null ? null : VerificationRules.of(verify[0], verify[1], verify[2], verify[3], verify[4]);
    }

    /** The declared rollback of the environment, if any. */
    RollbackPlan plan() throws IOException, InterruptedException {
        RollbackPlansAction plans = step.getContext().get(Run.class).getAction(RollbackPlansAction.class);
        return plans == null ? null : plans.planFor(step.laneEnvironment == null ? step.environment : step.laneEnvironment);
    }

    /** The headline and every failed rule's reason, on one line: Jenkins shows an error's first line. */
    static String blockMessage(GateDecision decision) {
        StringBuilder out = new StringBuilder(decision.headline()).append(':');
        for (RuleResult r : decision.failed()) {
            out.append(" [").append(r.id()).append("] ").append(r.reason()).append(';');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    static List<String> authors(RiskAssessmentAction a) {
        return new ArrayList<>(a.assessment().authors());
    }

    static String startedBy(Run<?, ?> run) {
        Cause.UserIdCause cause = run.getCause(Cause.UserIdCause.class);
        return cause == null ? null : cause.getUserId();
    }

    private static RiskAssessmentAction latestAssessment(Run<?, ?> run) throws AbortException {
        List<RiskAssessmentAction> all = run.getActions(RiskAssessmentAction.class);
        if (all.isEmpty()) {
            throw new AbortException("promote needs the change's risk: call assessChange(baseline: ...) earlier in this build");
        }
        return all.get(all.size() - 1);
    }
}
