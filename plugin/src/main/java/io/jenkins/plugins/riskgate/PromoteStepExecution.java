package io.jenkins.plugins.riskgate;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Proc;
import hudson.console.HyperlinkNote;
import hudson.model.Cause;
import hudson.model.Job;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.riskgate.RiskGateException;
import io.riskgate.evidence.TestEvidence;
import io.riskgate.gate.Approval;
import io.riskgate.gate.ApprovalWait;
import io.riskgate.gate.Approver;
import io.riskgate.gate.EnvironmentLane;
import io.riskgate.gate.GateDecision;
import io.riskgate.gate.GateEvaluator;
import io.riskgate.gate.GateOutcome;
import io.riskgate.gate.PromotionCandidate;
import io.riskgate.gate.PromotionLifecycle;
import io.riskgate.gate.PromotionLifecycle.Event;
import io.riskgate.gate.Quorum;
import io.riskgate.gate.RuleResult;
import io.riskgate.gate.Verification;
import io.riskgate.policy.EnvironmentRules;
import io.riskgate.policy.RiskPolicy;
import io.riskgate.policy.VerificationRules;
import io.riskgate.report.GateReport;
import io.riskgate.risk.Level;
import io.riskgate.rollback.RollbackPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import jenkins.model.CauseOfInterruption;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.GeneralNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.support.actions.PauseAction;

/**
 * The running {@code promote} step: gather the inputs, evaluate the gate, wait (for approval, the
 * soak time or its turn in the environment) or run the deployment, verify it, roll it back, record
 * it. Which event leads where is core's {@link PromotionLifecycle}; who deploys to an environment
 * when is core's {@link EnvironmentLane} (one per job and environment, {@link PromotionLanes}).
 *
 * <p>It is serialized with the Pipeline's program, so it keeps only strings and numbers; what the
 * build page shows lives in the {@link PromotionRecord} of the run. Slow work (the gate, the
 * verification, the rollback) runs off the Pipeline's thread, and a wait holds no executor.
 */
public class PromoteStepExecution extends GeneralNonBlockingStepExecution {
    private static final long serialVersionUID = 2L;
    private static final Logger LOGGER = Logger.getLogger(PromoteStepExecution.class.getName());
    /** How often a promotion that waits for its turn looks whether the environment became free (a holder may be gone). */
    static final long TURN_POLL_SECONDS = Long.getLong(PromoteStepExecution.class.getName() + ".turnPollSeconds", 15);
    /** How long a rollback or verification resumed after a restart waits for its node to come back online. */
    static final long NODE_WAIT_SECONDS = Long.getLong(PromoteStepExecution.class.getName() + ".nodeWaitSeconds", 120);
    /** How many times a rollback interrupted by restarts is run at most. */
    static final int ROLLBACK_RUNS = 2;

    private final String environment;
    private final String tests;
    /** The step's verification (command and schedule as given), or null. */
    private final String[] verify;
    private String recordId;
    private boolean rollbackOnFailure;
    /** The repository's policy (text and file name) the gate applied, to re-read the rules when decisions arrive. */
    private String repositoryPolicy;
    private String repositoryPolicyName;
    /** When the promotion began waiting for approval (epoch ms), or 0. */
    private long waitingSince;
    /** Until when the promotion waits for its soak time before the gate is evaluated again (epoch ms), or 0. */
    private long soakUntil;
    /** The lane: the job's full name, the environment's name in the policy, this build's number. */
    private String job;
    private String laneEnvironment;
    private int build;
    /** Why the deployment failed, for the step's failure after a restart during the rollback. */
    private String failure;
    private int rollbackRuns;
    /** Whether the gate's rules (or the step) declare a verification: decided off the Pipeline's thread, used on it. */
    private boolean verifies;
    private transient Throwable bodyFailure;
    private transient volatile ScheduledFuture<?> turnPoll;

    PromoteStepExecution(StepContext context, String environment, String tests, String[] verify) {
        super(context);
        this.environment = environment;
        this.tests = tests;
        this.verify = verify;
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

    // ---- gather the inputs and evaluate the gate

    private void evaluate() throws Exception {
        Run<?, ?> run = getContext().get(Run.class);
        TaskListener listener = getContext().get(TaskListener.class);
        if (environment == null) {
            throw new AbortException("promote needs an environment: promote(to: 'production') { ... }");
        }
        Gate gate = gather(run, listener);
        for (String line : GateReport.toText(gate.decision).split("\\R")) {
            listener.getLogger().println("[riskgate] " + line);
        }
        PromotionRecord record = recordOf(run, gate);
        Optional<Instant> soak = gate.decision.outcome() == GateOutcome.BLOCK ? gate.decision.waitUntil() : Optional.empty();
        if (gate.decision.outcome() == GateOutcome.BLOCK && soak.isEmpty()) {
            move(record, Event.BLOCKED, null);
            settled(record);
            throw new AbortException(blockMessage(gate.decision));
        }
        if (arrive(record, listener)) {
            return;   // superseded by a newer build
        }
        if (soak.isPresent()) {
            waitForSoak(record, soak.get(), gate.rules, listener);
        } else if (gate.decision.outcome() == GateOutcome.NEEDS_APPROVAL) {
            waitForApproval(record, gate, run, listener);
        } else {
            soakUntil = 0;
            move(record, Event.ALLOWED, null);
            askForTurn();
        }
    }

    /** The decision and what it was made from. */
    private record Gate(GateDecision decision, EnvironmentRules rules, TestEvidence evidence, RiskAssessmentAction assessment) {
    }

    private Gate gather(Run<?, ?> run, TaskListener listener) throws IOException, InterruptedException {
        // null at the top level of a Pipeline or in an agent-none stage: the gate needs no workspace
        FilePath workspace = getContext().get(FilePath.class);
        RiskAssessmentAction assessment = latestAssessment(run);
        try {
            String[] repository = workspace != null ? Policies.repositoryPolicy(workspace) : null;
            if (repository == null) {
                repository = assessment.repositoryPolicy();   // the policy of the assessed checkout
            }
            repositoryPolicy = repository == null ? null : repository[0];
            repositoryPolicyName = repository == null ? null : repository[1];
            RiskPolicy policy = Policies.effective(RiskGateConfiguration.get().getPolicy(), repository, listener);
            EnvironmentRules rules = Policies.environment(policy, environment);
            verifies = verificationRules(rules) != null;   // a bad verify parameter fails before anything waits
            rollbackOnFailure = rules.rollbackOnFailure();
            TestEvidence evidence = Evidence.of(run, workspace, tests, listener);
            RollbackPlansAction plans = run.getAction(RollbackPlansAction.class);
            RollbackPlan plan = plans == null ? null : plans.planFor(rules.name());
            GateDecision decision = GateEvaluator.evaluate(policy.promotion(), rules.name(), candidate(assessment), evidence, plan,
                    new PromotionHistory(run).withAwaitingReview(io.jenkins.plugins.riskgate.operations.Reviews.awaiting(run.getParent().getFullName())),
                    Clock.systemUTC());
            io.jenkins.plugins.riskgate.operations.Telemetry.gateDecision(decision.environment(), decision.outcome().name());
            job = run.getParent().getFullName();
            build = run.getNumber();
            laneEnvironment = rules.name();
            return new Gate(decision, rules, evidence, assessment);
        } catch (RiskGateException e) {
            throw new AbortException(e.getMessage());
        }
    }

    /** The promotion's record: new at the first evaluation, the same one (with the new decision) after a soak time. */
    private PromotionRecord recordOf(Run<?, ?> run, Gate gate) throws IOException, InterruptedException {
        PromotionRecord record = recordId == null ? null : record();
        if (record != null) {
            record.regate(gate.decision);
            return record;
        }
        recordId = UUID.randomUUID().toString();
        record = new PromotionRecord(recordId, gate.decision, authors(gate.assessment), startedBy(run), System.currentTimeMillis(), gate.rules);
        if (gate.evidence != null) {
            record.tests(gate.evidence.total(), gate.evidence.failed() + gate.evidence.errors());
        }
        PromotionLanes.register(recordId, this);
        PromotionAction.of(run).add(record);
        return record;
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

    /** The policy's verification of the environment, else the step's, else none. */
    private VerificationRules verificationRules(EnvironmentRules rules) {
        if (rules.verify() != null) {
            return rules.verify();
        }
        return verify == null ? null : VerificationRules.of(verify[0], verify[1], verify[2], verify[3], verify[4]);
    }

    // ---- wait: for a newer build, the soak time, approval, the environment

    /**
     * Joins the environment's lane: promotions of older builds that have not started to deploy end
     * SUPERSEDED; this one does when a newer build got there first. Returns whether this one did.
     */
    private boolean arrive(PromotionRecord record, TaskListener listener) throws IOException, InterruptedException {
        EnvironmentLane.Claim claim = new EnvironmentLane.Claim(recordId, build, Instant.ofEpochMilli(record.getRequested()));
        EnvironmentLane.Arrival arrival = PromotionLanes.with(job, laneEnvironment, lane -> lane.arrive(claim));
        for (EnvironmentLane.Claim older : arrival.superseded()) {
            supersede(job, older, build);
        }
        if (!arrival.superseded().isEmpty()) {
            listener.getLogger().println("[riskgate] " + Messages.PromoteStep_Supersedes(laneEnvironment,
                    String.join(", ", arrival.superseded().stream().map(c -> "#" + c.build()).toList())));
        }
        if (arrival.outdated()) {
            supersededBy(arrival.supersededBy());
            return true;
        }
        return false;
    }

    private void waitForSoak(PromotionRecord record, Instant until, EnvironmentRules rules, TaskListener listener) throws IOException, InterruptedException {
        // every rule that blocks passes by itself then (waitForSoak): wait, holding no executor, and decide again
        soakUntil = until.toEpochMilli();
        pause("Soak time");
        move(record, Event.SOAKING, null);
        listener.getLogger().println("[riskgate] waiting until " + until + " for the soak time of " + rules.name()
                + ", then the gate is evaluated again");
        scheduleSoak();
    }

    private void waitForApproval(PromotionRecord record, Gate gate, Run<?, ?> run, TaskListener listener) throws IOException, InterruptedException {
        soakUntil = 0;
        waitingSince = System.currentTimeMillis();
        if (gate.decision.quorum() != null && gate.rules.quorum().beyondOne()) {
            record.approvals("still missing: " + String.join(", ", gate.decision.quorum().missing()), null);
        }
        pause("Approval");
        move(record, Event.NEEDS_APPROVAL, null);
        scheduleExpiry(gate.rules);
        String url = "/" + run.getUrl() + PromotionAction.URL + "/";
        listener.getLogger().println("[riskgate] waiting for approval of the promotion to " + gate.decision.environment() + ": "
                + HyperlinkNote.encodeTo(url, "approve or reject it here"));
        PromotionNotifications.waiting(run, record, gate.decision, gate.rules, gate.assessment, listener);
    }

    /**
     * The promotion is decided: it deploys when no other promotion of this job holds the environment,
     * else it waits for its turn, holding no executor.
     */
    private void askForTurn() throws IOException, InterruptedException {
        PromotionRecord record = record();
        if (record == null || record.getState() != PromotionRecord.State.QUEUED) {
            cancelTurnPoll();
            return;
        }
        EnvironmentLane.Claim claim = new EnvironmentLane.Claim(recordId, build, Instant.ofEpochMilli(record.getRequested()));
        Object[] outcome = PromotionLanes.with(job, laneEnvironment, lane -> {
            EnvironmentLane.Arrival arrival = lane.arrive(claim);   // nothing when it arrived before
            return arrival.outdated() ? new Object[] {arrival, null} : new Object[] {arrival, lane.take(recordId, Instant.now())};
        });
        EnvironmentLane.Arrival arrival = (EnvironmentLane.Arrival) outcome[0];
        for (EnvironmentLane.Claim older : arrival.superseded()) {
            supersede(job, older, build);
        }
        if (arrival.outdated()) {
            supersededBy(arrival.supersededBy());
            return;
        }
        EnvironmentLane.Turn turn = (EnvironmentLane.Turn) outcome[1];
        if (turn.granted()) {
            turn();
            return;
        }
        int holder = turn.holder().build();
        if (record.getQueuedBehind() != holder) {
            pause(Messages.PromoteStep_QueuedPause(laneEnvironment));
            record.queuedBehind(holder);
            save();
            Job<?, ?> j = getContext().get(Run.class).getParent();
            Run<?, ?> holding = j.getBuildByNumber(holder);
            String link = holding == null ? "#" + holder : HyperlinkNote.encodeTo("/" + holding.getUrl(), holding.getDisplayName());
            getContext().get(TaskListener.class).getLogger().println("[riskgate] "
                    + Messages.PromoteStep_Queued(laneEnvironment, link, turn.position()));
        }
        if (turnPoll == null) {
            turnPoll = Timer.get().scheduleWithFixedDelay(this::pollTurn, TURN_POLL_SECONDS, TURN_POLL_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void pollTurn() {
        try {
            askForTurn();
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOGGER.log(java.util.logging.Level.WARNING, "cannot look for the turn of promotion " + recordId, e);
        }
    }

    private void cancelTurnPoll() {
        ScheduledFuture<?> poll = turnPoll;
        if (poll != null) {
            poll.cancel(false);
            turnPoll = null;
        }
    }

    /** It is this promotion's turn: the deployment starts (once, however many callers say so). */
    void turn() throws IOException, InterruptedException {
        cancelTurnPoll();
        PromotionRecord record = record();
        if (record == null || !move(record, Event.TURN, null)) {
            return;
        }
        endPause();
        startBody();
    }

    /** A newer build supersedes an older one's waiting promotion: in its running execution, or in its record. */
    private static void supersede(String job, EnvironmentLane.Claim older, int newer) {
        try {
            PromoteStepExecution running = PromotionLanes.execution(older.id());
            if (running != null) {
                running.supersededBy(newer);
                return;
            }
            // not resumed yet after a restart: its record says so, and it ends when it resumes
            Job<?, ?> j = JenkinsFacade.JENKINS.job(job);
            Run<?, ?> run = j == null ? null : j.getBuildByNumber(older.build());
            PromotionAction action = run == null ? null : run.getAction(PromotionAction.class);
            PromotionRecord record = action == null ? null : action.get(older.id());
            if (record != null) {
                synchronized (record) {
                    if (record.getState().core().waits()) {
                        record.supersededBy(newer);
                        record.setState(PromotionRecord.State.SUPERSEDED, Messages.PromoteStep_Superseded(newer, record.getEnvironment()),
                                System.currentTimeMillis());
                    }
                }
                action.save();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOGGER.log(java.util.logging.Level.WARNING, "cannot supersede promotion " + older.id() + " of " + job + " #" + older.build(), e);
        }
    }

    /** Ends this waiting promotion: a newer build promotes a newer change to the same environment. */
    void supersededBy(int newer) throws IOException, InterruptedException {
        PromotionRecord record = record();
        if (record == null) {
            return;
        }
        synchronized (record) {
            if (record.getState() != PromotionRecord.State.SUPERSEDED) {
                if (PromotionLifecycle.next(record.getState().core(), Event.SUPERSEDED, false, false).isEmpty()) {
                    return;
                }
                record.supersededBy(newer);
                record.setState(PromotionRecord.State.SUPERSEDED, Messages.PromoteStep_Superseded(newer, record.getEnvironment()),
                        System.currentTimeMillis());
            }
        }
        save();
        settled(record);
        getContext().get(TaskListener.class).getLogger().println("[riskgate] " + record.getNote());
        getContext().onFailure(new FlowInterruptedException(Result.NOT_BUILT, true, new Superseded(newer, record.getEnvironment())));
    }

    /** Why a promotion ended without deploying: a newer build took its place. */
    public static final class Superseded extends CauseOfInterruption {
        private static final long serialVersionUID = 1L;
        private final int build;
        private final String environment;

        Superseded(int build, String environment) {
            this.build = build;
            this.environment = environment;
        }

        @Override
        public String getShortDescription() {
            return Messages.PromoteStep_Superseded(build, environment);
        }
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

    /** Ends a promotion whose approval timeout ran out, unless a decision settled it first. */
    private void expire() {
        try {
            PromotionRecord record = record();
            if (record == null) {
                return;
            }
            EnvironmentRules rules = rules();
            String reason = ApprovalWait.expiredReason(rules, quorum(rules, record));
            if (!move(record, Event.EXPIRED, reason)) {
                return;
            }
            settled(record);
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
                case APPROVED -> transition(record, Event.APPROVED, null, now);
                case REJECTED -> transition(record, Event.REJECTED, comment, now);
                case FROZEN -> transition(record, Event.BLOCKED, t.reason(), now);
                default -> { }
            }
        }
        save();
        if (t.settles()) {
            endPause();
        }
        TaskListener listener = getContext().get(TaskListener.class);
        listener.getLogger().println("[riskgate] promotion to " + environment + ": " + t.reason());
        if (t.kind() == ApprovalWait.Kind.APPROVED && waitingSince > 0) {
            io.jenkins.plugins.riskgate.operations.Telemetry.approvalWait(environment, now - waitingSince);
        }
        switch (t.kind()) {
            case APPROVED -> askForTurn();
            case REJECTED -> {
                settled(record);
                getContext().onFailure(new FlowInterruptedException(Result.ABORTED, true, new CauseOfInterruption.UserInterruption(who.id())));
            }
            case FROZEN -> {
                settled(record);
                getContext().onFailure(new AbortException("promotion to " + environment + " blocked: " + t.reason()));
            }
            default -> { }
        }
        return new Answer(200, t.reason());
    }

    // ---- run: the deployment, its verification, the rollback

    private void startBody() throws IOException, InterruptedException {
        getContext().newBodyInvoker().withCallback(new Body()).start();
    }

    /** The deployment's end: verify it, roll it back, or settle. Runs on the Pipeline's thread: launches nothing itself. */
    private final class Body extends BodyExecutionCallback {
        private static final long serialVersionUID = 1L;

        @Override
        public void onSuccess(StepContext context, Object result) {
            try {
                PromotionRecord record = record();
                if (record != null && move(record, Event.BODY_SUCCEEDED, null, verifies)
                        && record.getState() == PromotionRecord.State.VERIFYING) {
                    run(() -> verifyThenSettle(verificationRules(rules()), result, false));
                    return;
                }
                settleSucceeded(record);
            } catch (IOException | InterruptedException | RuntimeException e) {
                LOGGER.log(java.util.logging.Level.WARNING, "could not record the promotion to " + environment, e);
            }
            context.onSuccess(result);
        }

        @Override
        public void onFailure(StepContext context, Throwable cause) {
            bodyFailure = cause;
            String message = String.valueOf(cause.getMessage() == null ? cause : cause.getMessage());
            failure = message.length() > 1000 ? message.substring(0, 1000) + "..." : message;
            try {
                PromotionRecord record = record();
                RollbackPlan plan = plan();
                boolean rollsBack = rollbackOnFailure && plan != null && plan.hasCommand();
                if (rollsBack && record != null && (stoppedByAPerson(cause) || stopRequested())) {
                    // stopped by a person: everything stops, the rollback does not start
                    move(record, Event.ABORTED, Messages.PromoteStep_StoppedNoRollback(plan.command()));
                    settled(record);
                    context.get(TaskListener.class).getLogger().println("[riskgate] promotion to " + environment + " ABORTED: " + record.getNote());
                    context.onFailure(cause);
                    return;
                }
                if (record != null && move(record, Event.BODY_FAILED, rollsBack ? null : plan == null ? "no rollback command declared" : null,
                        false, rollsBack) && record.getState() == PromotionRecord.State.ROLLING_BACK) {
                    run(PromoteStepExecution.this::rollBackThenFail);
                    return;
                }
                if (record != null) {
                    settled(record);
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                LOGGER.log(java.util.logging.Level.WARNING, "could not record the promotion to " + environment, e);
            }
            context.onFailure(cause);
        }
    }

    private void settleSucceeded(PromotionRecord record) throws IOException, InterruptedException {
        if (record != null) {
            settled(record);
            getContext().get(TaskListener.class).getLogger().println("[riskgate] promotion to " + environment + " SUCCEEDED");
        }
    }

    /**
     * Runs the verification's checks on its schedule (off the Pipeline's thread); a failing
     * verification rolls the deployment back as a failing body would.
     */
    private void verifyThenSettle(VerificationRules rules, Object result, boolean resumed) throws Exception {
        TaskListener listener = getContext().get(TaskListener.class);
        PromotionRecord record = record();
        if (resumed) {
            listener.getLogger().println("[riskgate] " + Messages.PromoteStep_VerificationRestarted(laneEnvironment));
        }
        record.verificationStarted(rules.describe(), System.currentTimeMillis());
        save();
        listener.getLogger().println("[riskgate] " + Messages.PromoteStep_Verifying(laneEnvironment, rules.describe()));
        RollbackLocation where = locate(resumed, false);
        Object controller = JenkinsFacade.JENKINS.controller();
        Instant started = Instant.now();
        List<Verification.Check> checks = new ArrayList<>();
        Verification.Next next;
        String lastOutput = "";
        if (where.problem() != null) {
            next = new Verification.Next(Verification.Verdict.FAILED, null, "the verification could not run: " + where.problem());
        } else {
            while ((next = Verification.next(rules, started, checks, Instant.now())).verdict() == Verification.Verdict.CHECK) {
                long wait = next.runAt().toEpochMilli() - System.currentTimeMillis();
                Instant at;
                Launched check;
                try {
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    at = Instant.now();
                    check = launch(where, rules.command(), rules.timeout(), listener);
                } catch (InterruptedException e) {
                    if (JenkinsFacade.JENKINS.terminating(controller) || record.getState() == PromotionRecord.State.ABORTED) {
                        return;   // cut by the shutdown (it starts again after the restart), or stopped: stop() recorded it
                    }
                    if (stopRequested()) {
                        abortedByStop(record);
                        return;
                    }
                    throw e;
                }
                if (JenkinsFacade.JENKINS.terminating(controller)) {
                    return;
                }
                Duration took = Duration.between(at, Instant.now());
                lastOutput = check.output;
                checks.add(new Verification.Check(at, check.code == 0, took, check.output));
                listener.getLogger().println("[riskgate] " + Messages.PromoteStep_Check(checks.size(),
                        check.code == 0 ? "passed" : check.timedOut ? "timed out after " + rules.timeout().toSeconds() + "s" : "failed with exit code " + check.code));
            }
        }
        boolean passed = next.verdict() == Verification.Verdict.PASSED;
        record.verificationEnded(passed ? "PASSED" : "FAILED", next.reason(), Verification.tail(lastOutput), System.currentTimeMillis());
        listener.getLogger().println("[riskgate] " + Messages.PromoteStep_Verified(laneEnvironment, passed ? "PASSED" : "FAILED", next.reason()));
        if (passed) {
            if (move(record, Event.VERIFIED, null)) {
                settleSucceeded(record);
                getContext().onSuccess(result);
            }
            return;
        }
        RollbackPlan plan = plan();
        boolean rollsBack = rollbackOnFailure && plan != null && plan.hasCommand();
        failure = "verification of " + laneEnvironment + " failed: " + next.reason();
        bodyFailure = new AbortException(failure);
        if (!move(record, Event.VERIFICATION_FAILED, rollsBack ? null : failure, false, rollsBack)) {
            return;
        }
        if (record.getState() == PromotionRecord.State.ROLLING_BACK) {
            rollBackThenFail();
        } else {
            settled(record);
            getContext().onFailure(bodyFailure);
        }
    }

    /** Runs the declared rollback (off the Pipeline's thread; abortable), settles, and fails the step with the deployment's failure. */
    private void rollBackThenFail() throws Exception {
        TaskListener listener = getContext().get(TaskListener.class);
        PromotionRecord record = record();
        RollbackPlan plan = plan();
        Throwable cause = bodyFailure != null ? bodyFailure : new AbortException(failure == null ? "the deployment failed" : failure);
        if (record == null || plan == null || !plan.hasCommand()) {
            getContext().onFailure(cause);
            return;
        }
        boolean resumed = bodyFailure == null;
        if (resumed && rollbackRuns >= ROLLBACK_RUNS) {
            String reason = Messages.PromoteStep_RollbackRestartedTooOften(plan.command(), rollbackRuns);
            move(record, Event.ROLLBACK_FAILED, reason);
            settled(record);
            listener.getLogger().println("[riskgate] " + reason);
            getContext().onFailure(cause);
            return;
        }
        if (resumed) {
            listener.getLogger().println("[riskgate] " + Messages.PromoteStep_RollbackRestarted(laneEnvironment, plan.command()));
        }
        rollbackRuns++;
        save();
        RollbackLocation where = locate(resumed, true);
        if (where.problem() != null) {
            move(record, Event.ROLLBACK_FAILED, "rollback '" + plan.command() + "' could not run: " + where.problem());
            listener.getLogger().println("[riskgate] the rollback of " + environment + " could not run: " + where.problem());
        } else {
            if (where.describe() != null) {
                listener.getLogger().println("[riskgate] running the rollback on " + where.describe());
            }
            listener.getLogger().println("[riskgate] " + (record.getVerificationOutcome() != null && "FAILED".equals(record.getVerificationOutcome())
                    ? "verification of " + environment + " failed" : "deployment to " + environment + " failed")
                    + ": running the declared rollback: " + plan.command());
            Launched rollback;
            Object controller = JenkinsFacade.JENKINS.controller();
            try {
                rollback = launch(where, plan.command(), null, listener);
            } catch (InterruptedException e) {
                if (JenkinsFacade.JENKINS.terminating(controller) || record.getState() == PromotionRecord.State.ABORTED) {
                    return;   // cut by the shutdown (it resumes after the restart), or stopped: stop() recorded it
                }
                if (stopRequested()) {
                    abortedByStop(record);
                    return;
                }
                throw e;
            }
            if (JenkinsFacade.JENKINS.terminating(controller)) {
                return;
            }
            boolean done = rollback.code == 0;
            String note = done ? "rollback '" + plan.command() + "' succeeded" : "rollback '" + plan.command() + "' failed with exit code " + rollback.code;
            if (record.getVerificationReason() != null && "FAILED".equals(record.getVerificationOutcome())) {
                note = "verification failed: " + record.getVerificationReason() + "; " + note;
            }
            if (move(record, done ? Event.ROLLBACK_SUCCEEDED : Event.ROLLBACK_FAILED, note)) {
                listener.getLogger().println("[riskgate] " + (done ? "promotion to " + environment + " ROLLED_BACK"
                        : "the rollback of " + environment + " FAILED with exit code " + rollback.code));
            }
        }
        settled(record);
        getContext().onFailure(cause);
    }

    /** The declared rollback of the environment, if any. */
    private RollbackPlan plan() throws IOException, InterruptedException {
        RollbackPlansAction plans = getContext().get(Run.class).getAction(RollbackPlansAction.class);
        return plans == null ? null : plans.planFor(laneEnvironment == null ? environment : laneEnvironment);
    }

    /**
     * Where the verification and the rollback run: the step's own workspace inside node {}; else,
     * for the verification, the node the body used last (or where declareRollback was called), for
     * the rollback where declareRollback was called (or the node the body used last). After a
     * restart the node may still be reconnecting: then it waits for it a while.
     */
    private RollbackLocation locate(boolean waitForNode, boolean rollback) throws IOException, InterruptedException {
        TaskListener listener = getContext().get(TaskListener.class);
        long until = System.currentTimeMillis() + (waitForNode ? NODE_WAIT_SECONDS * 1000 : 0);
        while (true) {
            RollbackLocation where;
            FilePath workspace = null;
            try {
                workspace = getContext().get(FilePath.class);
            } catch (IOException e) {
                LOGGER.log(java.util.logging.Level.FINE, "no workspace for promotion " + recordId + " yet", e);
            }
            if (workspace != null && workspace.getChannel() != null) {
                Launcher launcher = getContext().get(Launcher.class);
                EnvVars env = getContext().get(EnvVars.class);
                where = new RollbackLocation(workspace, launcher, env, null, null);
            } else {
                RollbackPlansAction plans = getContext().get(Run.class).getAction(RollbackPlansAction.class);
                RollbackPlansAction.Plan declared = plans == null ? null : plans.declared(laneEnvironment);
                where = RollbackLocation.of(getContext().get(FlowNode.class), declared, rollback, listener);
            }
            if (where.problem() == null || System.currentTimeMillis() >= until) {
                return where;
            }
            Thread.sleep(2000);
        }
    }

    /** A finished command: its exit code, whether it ran out of time, its output's end. */
    private record Launched(int code, boolean timedOut, String output) {
    }

    /** Names the processes of one command in their environment, so that an abort stops them all, also those that left the process tree. */
    static final String PROCESS_COOKIE = "RISKGATE_PROMOTION_PROCESS";

    /** Runs a command where the deployment ran; interrupting the thread (abort) kills it and every process it started. */
    private Launched launch(RollbackLocation where, String command, Duration timeout, TaskListener listener) throws IOException, InterruptedException {
        List<String> cmd = where.launcher().isUnix() ? List.of("sh", "-c", command) : List.of("cmd.exe", "/C", command);
        Tail tail = new Tail(listener.getLogger());
        long start = System.nanoTime();
        java.util.Map<String, String> cookie = java.util.Map.of(PROCESS_COOKIE, UUID.randomUUID().toString());
        EnvVars env = new EnvVars(where.env() == null ? new EnvVars() : where.env());
        env.putAll(cookie);
        Proc proc = where.launcher().launch().cmds(cmd).envs(env).pwd(where.workspace()).stdout(tail).start();
        boolean timedOut = false;
        try {
            // watch rather than block: a stop of the build that reached only the finished body still ends the command
            while (proc.isAlive()) {
                if (stopRequested()) {
                    throw new InterruptedException("the build was stopped");
                }
                if (timeout != null && System.nanoTime() - start >= timeout.toNanos()) {
                    timedOut = true;
                    proc.kill();
                    where.launcher().kill(cookie);
                    break;
                }
                Thread.sleep(250);
            }
            int code = proc.join();
            return new Launched(timedOut && code == 0 ? -1 : code, timedOut, tail.text());
        } catch (InterruptedException e) {
            proc.kill();
            where.launcher().kill(cookie);
            throw e;
        }
    }

    /**
     * Whether the body ended because the build was stopped: the interruption the body's steps fail
     * with names the person who stopped it, or nobody (a stop by the system, e.g. a script). A
     * timeout() around the deployment names its own cause and is a failure: the rollback runs.
     */
    private static boolean stoppedByAPerson(Throwable cause) {
        return cause instanceof FlowInterruptedException interrupted && interrupted.getResult() == Result.ABORTED
                && (interrupted.getCauses().isEmpty()
                        || interrupted.getCauses().stream().anyMatch(c -> c instanceof CauseOfInterruption.UserInterruption));
    }

    /**
     * Whether someone stopped the build (its executor carries the cause, or the build records it),
     * whether or not this step heard of it.
     */
    private boolean stopRequested() {
        try {
            Run<?, ?> run = getContext().get(Run.class);
            hudson.model.Executor executor = run.getExecutor();
            return executor != null && !executor.getCausesOfInterruption().isEmpty()
                    || !run.getActions(jenkins.model.InterruptedBuildAction.class).isEmpty();
        } catch (IOException | InterruptedException | RuntimeException e) {
            return false;
        }
    }

    /** Copies a command's output to the log and keeps its last bytes. */
    private static final class Tail extends OutputStream {
        private static final int KEEP = Verification.OUTPUT_LIMIT * 2;
        private final OutputStream log;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Tail(OutputStream log) {
            this.log = log;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            log.write(b);
            kept.write(b);
            trim();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            log.write(b, off, len);
            kept.write(b, off, len);
            trim();
        }

        private void trim() {
            if (kept.size() > 2 * KEEP) {
                byte[] all = kept.toByteArray();
                kept.reset();
                kept.write(all, all.length - KEEP, KEEP);
            }
        }

        @Override
        public void flush() throws IOException {
            log.flush();
        }

        synchronized String text() {
            return Verification.tail(kept.toString(StandardCharsets.UTF_8));
        }
    }

    // ---- record: states, settling, the change record

    /** Applies one event of the state machine to the record and saves it; false when it does not apply (anymore). */
    private boolean move(PromotionRecord record, Event event, String note) throws IOException {
        return move(record, event, note, false, false);
    }

    private boolean move(PromotionRecord record, Event event, String note, boolean verifies) throws IOException {
        return move(record, event, note, verifies, false);
    }

    private boolean move(PromotionRecord record, Event event, String note, boolean verifies, boolean rollsBack) throws IOException {
        boolean moved;
        synchronized (record) {
            moved = transition(record, event, note, System.currentTimeMillis(), verifies, rollsBack);
        }
        if (moved) {
            save();
        }
        return moved;
    }

    private static boolean transition(PromotionRecord record, Event event, String note, long now) {
        return transition(record, event, note, now, false, false);
    }

    private static boolean transition(PromotionRecord record, Event event, String note, long now, boolean verifies, boolean rollsBack) {
        PromotionRecord.State from = record.getState();
        Optional<io.riskgate.gate.PromotionState> to = PromotionLifecycle.next(from == null ? null : from.core(), event, verifies, rollsBack);
        to.ifPresent(state -> record.setState(PromotionRecord.State.of(state), note, now));
        return to.isPresent();
    }

    /**
     * A settled promotion leaves its environment's lane (the next one's turn comes), ends its pause,
     * and leaves a change record when it deployed.
     */
    private void settled(PromotionRecord record) throws IOException, InterruptedException {
        cancelTurnPoll();
        endPause();
        PromotionLanes.unregister(recordId);
        if (job != null) {
            Optional<EnvironmentLane.Claim> next = PromotionLanes.with(job, laneEnvironment, lane -> lane.leave(recordId));
            next.ifPresent(PromoteStepExecution::giveTurn);
        }
        Run<?, ?> run = getContext().get(Run.class);
        PromotionRecord.State state = record.getState();
        if (state.core().deployed() || (state == PromotionRecord.State.ABORTED && record.getStarted() > 0)) {
            RollbackPlan plan = plan();
            if (plan != null) {
                record.rollback(plan.command(), plan.runbook());
            }
            save();
            ChangeRecords.record(run, record, getContext().get(TaskListener.class));
        }
    }

    /** Starts the deployment of the promotion whose turn it is now (off the caller's lock and thread). */
    private static void giveTurn(EnvironmentLane.Claim next) {
        Timer.get().submit(() -> {
            PromoteStepExecution e = PromotionLanes.execution(next.id());
            if (e == null) {
                return;   // not resumed yet: it asks for its turn when it does
            }
            try {
                e.turn();
            } catch (IOException | InterruptedException | RuntimeException x) {
                LOGGER.log(java.util.logging.Level.WARNING, "cannot start the promotion " + next.id() + " of build #" + next.build(), x);
            }
        });
    }

    private void save() throws IOException {
        try {
            PromotionAction action = getContext().get(Run.class).getAction(PromotionAction.class);
            if (action != null) {
                action.save();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private PromotionRecord record() throws IOException, InterruptedException {
        if (recordId == null) {
            return null;
        }
        PromotionAction action = getContext().get(Run.class).getAction(PromotionAction.class);
        return action == null ? null : action.get(recordId);
    }

    // ---- stop and resume

    @Override
    public void stop(Throwable cause) throws Exception {
        PromotionRecord record = record();
        if (record != null) {
            abort(record);
        }
        endPause();
        super.stop(cause);   // cancels the verification or rollback: interrupting its thread kills the command
    }

    /** Records the abort of a promotion that has not settled (except while its body runs: the body's end settles it). */
    private boolean abort(PromotionRecord record) throws IOException, InterruptedException {
        PromotionRecord.State state = record.getState();
        if (state == null || state.finished() || state == PromotionRecord.State.RUNNING) {
            return false;
        }
        String note = switch (state) {
            case WAITING_FOR_APPROVAL -> "aborted while waiting for approval";
            case WAITING_FOR_SOAK -> Messages.PromoteStep_AbortedSoaking();
            case QUEUED -> Messages.PromoteStep_AbortedQueued(laneEnvironment);
            case VERIFYING -> Messages.PromoteStep_AbortedVerifying();
            default -> Messages.PromoteStep_AbortedRollingBack(record.getRollbackCommand() != null ? record.getRollbackCommand()
                    : plan() == null ? "" : plan().command());
        };
        if (state == PromotionRecord.State.VERIFYING) {
            record.verificationEnded("ABORTED", note, record.getVerificationOutput(), System.currentTimeMillis());
        }
        if (!move(record, Event.ABORTED, note)) {
            return false;
        }
        settled(record);
        getContext().get(TaskListener.class).getLogger().println("[riskgate] promotion to " + environment + " ABORTED: " + note);
        return true;
    }

    /** A stop of the build that reached only the finished body: the command was ended here; the step ends ABORTED. */
    private void abortedByStop(PromotionRecord record) throws IOException, InterruptedException {
        if (abort(record)) {
            hudson.model.Executor executor = getContext().get(Run.class).getExecutor();
            CauseOfInterruption[] causes = executor == null ? new CauseOfInterruption[0]
                    : executor.getCausesOfInterruption().toArray(new CauseOfInterruption[0]);
            getContext().onFailure(new FlowInterruptedException(Result.ABORTED, true, causes));
        }
    }

    @Override
    public void onResume() {
        PromotionRecord record;
        try {
            record = record();
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOGGER.log(java.util.logging.Level.WARNING, "cannot read promotion " + recordId + " after a restart", e);
            super.onResume();
            return;
        }
        PromotionRecord.State state = record == null ? null : record.getState();
        if (record != null) {
            PromotionLanes.register(recordId, this);
            if (job != null && state != null && !state.finished()) {
                // rebuild the lane from the records now, off the Pipeline's thread, which settles promotions later
                Timer.get().submit(() -> PromotionLanes.with(job, laneEnvironment, lane -> null));
            }
        }
        if (state == PromotionRecord.State.VERIFYING) {
            // the checks' thread did not survive the restart: the verification starts again
            run(() -> verifyThenSettle(verificationRules(rules()), null, true));
            return;
        }
        if (state == PromotionRecord.State.ROLLING_BACK) {
            run(this::rollBackThenFail);   // the rollback resumes: it runs again, or fails with the reason when it cannot
            return;
        }
        super.onResume();
        try {
            if (state == null && soakUntil > 0) {
                scheduleSoak();   // a promotion of an earlier version that soaked without a record
            } else if (state == PromotionRecord.State.WAITING_FOR_SOAK) {
                scheduleSoak();   // the timer did not survive the restart
            } else if (state == PromotionRecord.State.WAITING_FOR_APPROVAL) {
                scheduleExpiry(rules());
            } else if (state == PromotionRecord.State.QUEUED) {
                Timer.get().submit(this::pollTurn);
            } else if (state == PromotionRecord.State.SUPERSEDED && record.getFinished() > 0) {
                // superseded while this build was not running yet after the restart
                getContext().onFailure(new FlowInterruptedException(Result.NOT_BUILT, true,
                        new Superseded(record.getSupersededBy(), record.getEnvironment())));
            }
        } catch (RuntimeException e) {
            LOGGER.log(java.util.logging.Level.WARNING, "cannot restore the wait of promotion " + recordId, e);
        }
    }

    @Override
    public String getStatus() {
        return "promotion " + recordId + " to " + environment;
    }

    // ---- values read once from the build

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

    private static List<String> authors(RiskAssessmentAction a) {
        return new ArrayList<>(a.assessment().authors());
    }

    private static String startedBy(Run<?, ?> run) {
        Cause.UserIdCause cause = run.getCause(Cause.UserIdCause.class);
        return cause == null ? null : cause.getUserId();
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
}
