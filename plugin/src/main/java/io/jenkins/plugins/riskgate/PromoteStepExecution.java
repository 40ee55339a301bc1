package io.jenkins.plugins.riskgate;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.console.HyperlinkNote;
import hudson.model.Cause;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.riskgate.RiskGateException;
import io.riskgate.evidence.TestEvidence;
import io.riskgate.gate.Approval;
import io.riskgate.gate.ApprovalWait;
import io.riskgate.gate.Approver;
import io.riskgate.gate.GateDecision;
import io.riskgate.gate.GateEvaluator;
import io.riskgate.gate.PromotionCandidate;
import io.riskgate.gate.Quorum;
import io.riskgate.gate.RuleResult;
import io.riskgate.policy.EnvironmentRules;
import io.riskgate.policy.RiskPolicy;
import io.riskgate.report.GateReport;
import io.riskgate.risk.Level;
import io.riskgate.rollback.RollbackPlan;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import jenkins.model.CauseOfInterruption;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.GeneralNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.support.actions.PauseAction;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The running {@code promote} step. It is serialized with the Pipeline's program, so it keeps only
 * strings; what the build page shows lives in the {@link PromotionRecord} of the run.
 */
public class PromoteStepExecution extends GeneralNonBlockingStepExecution {
    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(PromoteStepExecution.class.getName());

    private final String environment;
    private final String tests;
    private String recordId;
    private boolean rollbackOnFailure;
    /** The repository's policy (text and file name) the gate applied, to re-read the rules when decisions arrive. */
    private String repositoryPolicy;
    private String repositoryPolicyName;
    /** When the promotion began waiting for approval (epoch ms), or 0. */
    private long waitingSince;
    /** Until when the promotion waits for its soak time before the gate is evaluated again (epoch ms), or 0. */
    private long soakUntil;

    PromoteStepExecution(StepContext context, String environment, String tests) {
        super(context);
        this.environment = environment;
        this.tests = tests;
    }

    String recordId() {
        return recordId == null ? "" : recordId;
    }

    /** The gate reads the workspace, test results and build history: never on the Pipeline's own thread. */
    @Override
    public boolean start() {
        run(this::evaluate);
        return false;
    }

    private void evaluate() throws Exception {
        Run<?, ?> run = getContext().get(Run.class);
        TaskListener listener = getContext().get(TaskListener.class);
        // null at the top level of a Pipeline or in an agent-none stage: the gate needs no workspace
        FilePath workspace = getContext().get(FilePath.class);
        if (environment == null) {
            throw new AbortException("promote needs an environment: promote(to: 'production') { ... }");
        }
        RiskAssessmentAction assessment = latestAssessment(run);
        GateDecision decision;
        EnvironmentRules rules;
        TestEvidence evidence;
        try {
            String[] repository = workspace != null ? Policies.repositoryPolicy(workspace) : null;
            if (repository == null) {
                repository = assessment.repositoryPolicy();   // the policy of the assessed checkout
            }
            repositoryPolicy = repository == null ? null : repository[0];
            repositoryPolicyName = repository == null ? null : repository[1];
            RiskPolicy policy = Policies.effective(RiskGateConfiguration.get().getPolicy(), repository, listener);
            rules = Policies.environment(policy, environment);
            rollbackOnFailure = rules.rollbackOnFailure();
            evidence = Evidence.of(run, workspace, tests, listener);
            RollbackPlansAction plans = run.getAction(RollbackPlansAction.class);
            RollbackPlan plan = plans == null ? null : plans.planFor(rules.name());
            decision = GateEvaluator.evaluate(policy.promotion(), rules.name(), candidate(assessment), evidence, plan,
                    new PromotionHistory(run).withAwaitingReview(io.jenkins.plugins.riskgate.operations.Reviews.awaiting(run.getParent().getFullName())),
                    Clock.systemUTC());
            io.jenkins.plugins.riskgate.operations.Telemetry.gateDecision(decision.environment(), decision.outcome().name());
        } catch (RiskGateException e) {
            throw new AbortException(e.getMessage());
        }
        for (String line : GateReport.toText(decision).split("\\R")) {
            listener.getLogger().println("[riskgate] " + line);
        }
        java.util.Optional<Instant> soak = decision.outcome() == io.riskgate.gate.GateOutcome.BLOCK ? decision.waitUntil() : java.util.Optional.empty();
        if (soak.isPresent()) {
            // every rule that blocks passes by itself then (waitForSoak): wait, holding no executor, and decide again
            soakUntil = soak.get().toEpochMilli();
            listener.getLogger().println("[riskgate] waiting until " + soak.get() + " for the soak time of " + rules.name()
                    + ", then the gate is evaluated again");
            pause("Soak time");
            scheduleSoak();
            return;
        }
        soakUntil = 0;
        endPause();
        recordId = UUID.randomUUID().toString();
        PromotionRecord record = new PromotionRecord(recordId, decision, assessment.assessment().authors(), startedBy(run), System.currentTimeMillis(), rules);
        if (evidence != null) {
            record.tests(evidence.total(), evidence.failed() + evidence.errors());
        }
        PromotionAction action = PromotionAction.of(run);
        switch (decision.outcome()) {
            case BLOCK -> {
                record.setState(PromotionRecord.State.BLOCKED, System.currentTimeMillis());
                action.add(record);
                throw new AbortException(blockMessage(decision));
            }
            case NEEDS_APPROVAL -> {
                waitingSince = System.currentTimeMillis();
                record.setState(PromotionRecord.State.WAITING_FOR_APPROVAL, waitingSince);
                if (decision.quorum() != null && rules.quorum().beyondOne()) {
                    record.approvals("still missing: " + String.join(", ", decision.quorum().missing()), null);
                }
                action.add(record);
                pause("Approval");
                scheduleExpiry(rules);
                String url = "/" + run.getUrl() + PromotionAction.URL + "/";
                listener.getLogger().println("[riskgate] waiting for approval of the promotion to " + decision.environment() + ": "
                        + HyperlinkNote.encodeTo(url, "approve or reject it here"));
            }
            default -> {
                record.setState(PromotionRecord.State.RUNNING, System.currentTimeMillis());
                action.add(record);
                startBody();
            }
        }
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

    /** The environment's rules as they stand now: the global policy and the repository policy the gate applied. */
    private EnvironmentRules rules() {
        String[] repository = repositoryPolicy == null ? null : new String[] {repositoryPolicy, repositoryPolicyName};
        return Policies.environment(Policies.effective(RiskGateConfiguration.get().getPolicy(), repository, null), environment);
    }

    /** Marks the step's node as paused, as the input step does: Pipeline views show the promotion waiting. */
    private void pause(String cause) throws IOException, InterruptedException {
        FlowNode node = getContext().get(FlowNode.class);
        if (node != null && !PauseAction.isPaused(node)) {
            node.addAction(new PauseAction(cause));
        }
    }

    private void endPause() {
        try {
            FlowNode node = getContext().get(FlowNode.class);
            if (node != null && PauseAction.isPaused(node)) {
                PauseAction.endCurrentPause(node);
            }
        } catch (IOException | InterruptedException e) {
            LOGGER.log(java.util.logging.Level.FINE, "cannot end the pause of promotion " + recordId, e);
        }
    }

    private void scheduleSoak() {
        Timer.get().schedule(() -> run(this::evaluate), Math.max(0, soakUntil - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    private void scheduleExpiry(EnvironmentRules rules) {
        if (waitingSince == 0) {
            return;
        }
        ApprovalWait.expiresAt(rules, Instant.ofEpochMilli(waitingSince)).ifPresent(at -> {
            long delay = Math.max(0, at.toEpochMilli() - System.currentTimeMillis());
            Timer.get().schedule(this::expire, delay, TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void onResume() {
        super.onResume();
        if (soakUntil > 0 && recordId == null) {
            scheduleSoak();   // the timer did not survive the restart
            return;
        }
        try {
            PromotionRecord record = record();
            if (record != null && record.isWaiting()) {
                scheduleExpiry(rules());   // the timer did not survive the restart
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOGGER.log(java.util.logging.Level.WARNING, "cannot restore the approval timeout of promotion " + recordId, e);
        }
    }

    /** Ends a promotion whose approval timeout ran out, unless a decision settled it first. */
    private void expire() {
        try {
            PromotionRecord record = record();
            if (record == null) {
                return;
            }
            EnvironmentRules rules = rules();
            String reason;
            synchronized (record) {
                if (!record.isWaiting()) {
                    return;
                }
                reason = ApprovalWait.expiredReason(rules, quorum(rules, record));
                record.setState(PromotionRecord.State.EXPIRED, reason, System.currentTimeMillis());
            }
            endPause();
            PromotionAction.of(getContext().get(Run.class)).save();
            getContext().get(TaskListener.class).getLogger().println("[riskgate] promotion to " + environment + " EXPIRED: " + reason);
            getContext().onFailure(new FlowInterruptedException(Result.ABORTED, true, new Expired(reason)));
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOGGER.log(java.util.logging.Level.WARNING, "cannot expire promotion " + recordId, e);
        }
    }

    /** Why a promotion ended without a decision. */
    public static final class Expired extends CauseOfInterruption {
        private static final long serialVersionUID = 1L;
        private final String reason;

        Expired(String reason) {
            this.reason = reason;
        }

        @Override
        public String getShortDescription() {
            return "Promotion expired: " + reason;
        }
    }

    private static RiskAssessmentAction latestAssessment(Run<?, ?> run) throws AbortException {
        List<RiskAssessmentAction> all = run.getActions(RiskAssessmentAction.class);
        if (all.isEmpty()) {
            throw new AbortException("promote needs the change's risk: call assessChange(baseline: ...) earlier in this build");
        }
        return all.get(all.size() - 1);
    }

    private static PromotionCandidate candidate(RiskAssessmentAction a) {
        return a.assessment().candidate();
    }

    private static String startedBy(Run<?, ?> run) {
        Cause.UserIdCause cause = run.getCause(Cause.UserIdCause.class);
        return cause == null ? null : cause.getUserId();
    }

    private PromotionRecord record() throws IOException, InterruptedException {
        PromotionAction action = getContext().get(Run.class).getAction(PromotionAction.class);
        return action == null ? null : action.get(recordId);
    }

    private void update(PromotionRecord.State state, String note) throws IOException, InterruptedException {
        PromotionRecord record = record();
        if (record != null) {
            record.setState(state, note, System.currentTimeMillis());
            PromotionAction.of(getContext().get(Run.class)).save();
        }
    }

    /** The answer to one decision: an HTTP status and the words for the person who decided. */
    record Answer(int status, String message) {
    }

    /**
     * One approval or rejection from the build page (the Approve permission was checked by the
     * caller). The record's lock makes each decision see the ones before it: the promotion settles
     * once, and the deployment starts once, however many decisions arrive together.
     */
    Answer decide(Approver who, boolean approve, String comment) throws IOException, InterruptedException {
        PromotionRecord record = record();
        if (record == null) {
            return new Answer(404, "no promotion " + recordId);
        }
        EnvironmentRules rules = rules();
        long now = System.currentTimeMillis();
        ApprovalWait.Transition t;
        synchronized (record) {
            if (!record.isWaiting()) {
                return new Answer(409, record.noLongerWaiting());
            }
            t = ApprovalWait.decide(rules, candidate(record), approvals(record), new Approval(who, approve, Instant.ofEpochMilli(now), comment),
                    record.getStartedBy(), PromotionAction.approvalCheck());
            if (t.kind() == ApprovalWait.Kind.REFUSED) {
                return new Answer(403, t.reason());
            }
            record.decide(who.id(), approve, comment, now, who.groups());
            record.approvals(t.settles() ? t.reason() : "approved by " + t.status().approvedBy() + "; still missing: "
                    + String.join(", ", t.status().missing()), t.settles() ? who.id() : null);
            switch (t.kind()) {
                case APPROVED -> record.setState(PromotionRecord.State.RUNNING, now);
                case REJECTED -> record.setState(PromotionRecord.State.REJECTED, comment, now);
                case FROZEN -> record.setState(PromotionRecord.State.BLOCKED, t.reason(), now);
                default -> { }
            }
        }
        PromotionAction.of(getContext().get(Run.class)).save();
        if (t.settles()) {
            endPause();
        }
        TaskListener listener = getContext().get(TaskListener.class);
        listener.getLogger().println("[riskgate] promotion to " + environment + ": " + t.reason());
        if (t.kind() == ApprovalWait.Kind.APPROVED && waitingSince > 0) {
            io.jenkins.plugins.riskgate.operations.Telemetry.approvalWait(environment, now - waitingSince);
        }
        switch (t.kind()) {
            case APPROVED -> startBody();
            case REJECTED -> getContext().onFailure(new FlowInterruptedException(Result.ABORTED, true,
                    new CauseOfInterruption.UserInterruption(who.id())));
            case FROZEN -> getContext().onFailure(new AbortException("promotion to " + environment + " blocked: " + t.reason()));
            default -> { }
        }
        return new Answer(200, t.reason());
    }

    private static PromotionCandidate candidate(PromotionRecord record) {
        return new PromotionCandidate(record.getHead(), record.getScore(), Level.valueOf(record.getLevel()), record.getAuthors());
    }

    private static List<Approval> approvals(PromotionRecord record) {
        List<Approval> list = new ArrayList<>();
        for (PromotionRecord.Decision d : record.getDecisions()) {
            list.add(new Approval(new Approver(d.getUser(), null, d.groups()), d.isApproved(), Instant.ofEpochMilli(d.getTime()), d.getComment()));
        }
        return list;
    }

    private static Quorum.Status quorum(EnvironmentRules rules, PromotionRecord record) {
        return Quorum.evaluate(rules, approvals(record), PromotionAction.approvalCheck(), record.getStartedBy(), record.getAuthors());
    }

    private void startBody() throws IOException, InterruptedException {
        getContext().newBodyInvoker().withCallback(new Callback(recordId, environment, rollbackOnFailure)).start();
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        endPause();
        PromotionRecord record = record();
        if (record != null && record.isWaiting()) {
            update(PromotionRecord.State.ABORTED, "aborted while waiting for approval");
        }
        super.stop(cause);
    }

    @Override
    public String getStatus() {
        return "promotion " + recordId + " to " + environment;
    }

    /** Records the outcome of the deployment and runs the rollback when it failed. */
    private static final class Callback extends BodyExecutionCallback {
        private static final long serialVersionUID = 1L;
        private final String recordId;
        private final String environment;
        private final boolean rollbackOnFailure;

        Callback(String recordId, String environment, boolean rollbackOnFailure) {
            this.recordId = recordId;
            this.environment = environment;
            this.rollbackOnFailure = rollbackOnFailure;
        }

        @Override
        public void onSuccess(StepContext context, Object result) {
            try {
                finish(context, PromotionRecord.State.SUCCEEDED, null);
                context.get(TaskListener.class).getLogger().println("[riskgate] promotion to " + environment + " SUCCEEDED");
            } catch (IOException | InterruptedException e) {
                LOGGER.log(java.util.logging.Level.WARNING, "could not record the promotion to " + environment, e);
            }
            context.onSuccess(result);
        }

        @Override
        public void onFailure(StepContext context, Throwable failure) {
            RollbackPlan plan = null;
            try {
                RollbackPlansAction plans = context.get(Run.class).getAction(RollbackPlansAction.class);
                plan = plans == null ? null : plans.planFor(environment);
            } catch (IOException | InterruptedException e) {
                LOGGER.log(java.util.logging.Level.WARNING, "could not read the rollback plan of " + environment, e);
            }
            if (!rollbackOnFailure || plan == null || !plan.hasCommand()) {
                try {
                    finish(context, PromotionRecord.State.FAILED, plan == null ? "no rollback command declared" : null);
                } catch (IOException | InterruptedException e) {
                    LOGGER.log(java.util.logging.Level.WARNING, "could not record the promotion to " + environment, e);
                }
                context.onFailure(failure);
                return;
            }
            String command = plan.command();
            // launching a process blocks: never on the Pipeline's own thread
            Timer.get().submit(() -> rollBack(context, command, failure));
        }

        private void rollBack(StepContext context, String command, Throwable failure) {
            try {
                TaskListener listener = context.get(TaskListener.class);
                Launcher launcher = context.get(Launcher.class);
                FilePath workspace = context.get(FilePath.class);
                EnvVars env = context.get(EnvVars.class);
                if (workspace == null) {
                    // promote ran outside node {}: the rollback runs where declareRollback was called
                    RollbackPlansAction plans = context.get(Run.class).getAction(RollbackPlansAction.class);
                    RollbackPlansAction.Plan declared = plans == null ? null : plans.declared(environment);
                    RollbackLocation where = RollbackLocation.of(declared, listener);
                    if (where.problem() != null) {
                        finish(context, PromotionRecord.State.FAILED, "rollback '" + command + "' could not run: " + where.problem());
                        listener.getLogger().println("[riskgate] the rollback of " + environment + " could not run: " + where.problem());
                        context.onFailure(failure);
                        return;
                    }
                    workspace = where.workspace();
                    launcher = where.launcher();
                    env = where.env();
                    listener.getLogger().println("[riskgate] running the rollback on " + where.describe());
                }
                listener.getLogger().println("[riskgate] deployment to " + environment + " failed: running the declared rollback: " + command);
                List<String> cmd = launcher.isUnix() ? List.of("sh", "-c", command) : List.of("cmd.exe", "/C", command);
                int code = launcher.launch().cmds(cmd).envs(env).pwd(workspace).stdout(listener).join();
                if (code == 0) {
                    finish(context, PromotionRecord.State.ROLLED_BACK, "rollback '" + command + "' succeeded");
                    listener.getLogger().println("[riskgate] promotion to " + environment + " ROLLED_BACK");
                } else {
                    finish(context, PromotionRecord.State.FAILED, "rollback '" + command + "' failed with exit code " + code);
                    listener.getLogger().println("[riskgate] the rollback of " + environment + " FAILED with exit code " + code);
                }
            } catch (Exception e) {
                LOGGER.log(java.util.logging.Level.WARNING, "rollback of " + environment + " failed", e);
                try {
                    finish(context, PromotionRecord.State.FAILED, "rollback could not run: " + e);
                } catch (IOException | InterruptedException ignored) {
                    // the build's failure below still reports the deployment's failure
                }
            }
            context.onFailure(failure);
        }

        private void finish(StepContext context, PromotionRecord.State state, String note) throws IOException, InterruptedException {
            Run<?, ?> run = context.get(Run.class);
            PromotionAction action = run.getAction(PromotionAction.class);
            PromotionRecord record = action == null ? null : action.get(recordId);
            if (record != null) {
                record.setState(state, note, System.currentTimeMillis());
                RollbackPlansAction plans = run.getAction(RollbackPlansAction.class);
                RollbackPlan plan = plans == null ? null : plans.planFor(environment);
                if (plan != null) {
                    record.rollback(plan.command(), plan.runbook());
                }
                action.save();
                ChangeRecords.record(run, record, context.get(TaskListener.class));
            }
        }
    }

}
