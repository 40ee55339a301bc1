package io.jenkins.plugins.riskgate;

import hudson.model.Result;
import io.riskgate.gate.Approver;
import io.riskgate.gate.EnvironmentLane;
import io.riskgate.gate.GateOutcome;
import io.riskgate.gate.PromotionLifecycle;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.GeneralNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The running {@code promote} step: gather the inputs and evaluate the gate
 * ({@link PromotionInputs}), wait for a newer build, the soak time or approval
 * ({@link PromotionWaits}) or for the environment ({@link PromotionTurns}), run the deployment, its
 * verification and rollback ({@link PromotionDeployment}), record it ({@link PromotionRecorder}).
 * Which event leads where is core's {@link PromotionLifecycle}; who deploys to an environment when
 * is core's {@link EnvironmentLane} (one per job and environment, {@link PromotionLanes}).
 *
 * <p>It is serialized with the Pipeline's program, so it keeps only strings and numbers (the
 * collaborators above hold nothing and are made when needed); what the build page shows lives in
 * the {@link PromotionRecord} of the run. Slow work (the gate, the verification, the rollback) runs
 * off the Pipeline's thread, and a wait holds no executor.
 */
@Restricted(NoExternalUse.class)
public class PromoteStepExecution extends GeneralNonBlockingStepExecution {
    private static final long serialVersionUID = 2L;
    static final Logger LOGGER = Logger.getLogger(PromoteStepExecution.class.getName());
    /** How often a promotion that waits for its turn looks whether the environment became free (a holder may be gone). */
    static final long TURN_POLL_SECONDS = Long.getLong(PromoteStepExecution.class.getName() + ".turnPollSeconds", 15);
    /** How long a rollback or verification resumed after a restart waits for its node to come back online. */
    static final long NODE_WAIT_SECONDS = Long.getLong(PromoteStepExecution.class.getName() + ".nodeWaitSeconds", 120);

    // what is persisted with the program: the names and meaning of these fields are the resumed build's state
    final String environment;
    final String tests;
    /** The step's verification (command and schedule as given), or null. */
    final String[] verify;
    String recordId;
    boolean rollbackOnFailure;
    /** The repository's policy (text and file name) the gate applied, to re-read the rules when decisions arrive. */
    String repositoryPolicy;
    String repositoryPolicyName;
    /** When the promotion began waiting for approval (epoch ms), or 0. */
    long waitingSince;
    /** Until when the promotion waits for its soak time before the gate is evaluated again (epoch ms), or 0. */
    long soakUntil;
    /** The lane: the job's full name, the environment's name in the policy, this build's number. */
    String job;
    String laneEnvironment;
    int build;
    /** Why the deployment failed, for the step's failure after a restart during the rollback. */
    String failure;
    int rollbackRuns;
    /** Whether the gate's rules (or the step) declare a verification: decided off the Pipeline's thread, used on it. */
    boolean verifies;
    transient Throwable bodyFailure;
    transient volatile ScheduledFuture<?> turnPoll;

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
        offThread(this::evaluate);
        return false;
    }

    /** Evaluates the gate (again, after a soak time) and goes where its decision leads. */
    void evaluate() throws Exception {
        PromotionInputs.Gate gate = inputs().gather();
        PromotionRecord record = recorder().recordOf(gate);
        PromotionEvents.gateDecided(getContext().get(hudson.model.Run.class), record, gate.decision());
        Optional<Instant> soak = gate.soak();
        if (gate.decision().outcome() == GateOutcome.BLOCK && soak.isEmpty()) {
            throw recorder().blocked(record, gate);
        }
        if (turns().arrive(record)) {
            return;   // superseded by a newer build
        }
        if (soak.isPresent()) {
            waits().soak(record, soak.get(), gate.rules());
        } else if (gate.decision().outcome() == GateOutcome.NEEDS_APPROVAL) {
            waits().approval(record, gate);
        } else {
            turns().allowed(record);
        }
    }

    /** It is this promotion's turn: the deployment starts (once, however many callers say so). */
    void turn() throws IOException, InterruptedException {
        turns().turn();
    }

    /** Ends this waiting promotion: a newer build promotes a newer change to the same environment. */
    void supersededBy(int newer) throws IOException, InterruptedException {
        turns().supersededBy(newer);
    }

    /** One approval or rejection from the build page (the caller checked the Approve permission). */
    PromotionWaits.Answer decide(Approver who, boolean approve, String comment) throws IOException, InterruptedException {
        return waits().decide(who, approve, comment);
    }

    /** Runs the deployment, the step's body; {@link Body} hears how it ended. */
    void startBody() throws IOException, InterruptedException {
        getContext().newBodyInvoker().withCallback(new Body()).start();
    }

    /** The deployment's end: verify it, roll it back, or settle. Runs on the Pipeline's thread: launches nothing itself. */
    private final class Body extends BodyExecutionCallback {
        private static final long serialVersionUID = 1L;

        @Override
        public void onSuccess(StepContext context, Object result) {
            deployment().succeeded(context, result);
        }

        @Override
        public void onFailure(StepContext context, Throwable cause) {
            deployment().failed(context, cause);
        }
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        PromotionRecord record = recorder().record();
        if (record != null) {
            recorder().abort(record);
        }
        recorder().endPause();
        super.stop(cause);   // cancels the verification or rollback: interrupting its thread kills the command
    }

    @Override
    public void onResume() {
        PromotionRecord record;
        try {
            record = recorder().record();
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "cannot read promotion " + recordId + " after a restart", e);
            super.onResume();
            return;
        }
        PromotionRecord.State state = record == null ? null : record.getState();
        if (record != null) {
            turns().rejoin(state);
        }
        if (state == PromotionRecord.State.VERIFYING) {
            // the checks' thread did not survive the restart: the verification starts again
            offThread(() -> deployment().verifyThenSettle(null, true));
            return;
        }
        if (state == PromotionRecord.State.ROLLING_BACK) {
            offThread(deployment()::rollBackThenFail);   // it runs again, or fails with the reason when it cannot
            return;
        }
        super.onResume();
        try {
            waits().resume(record, state);
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "cannot restore the wait of promotion " + recordId, e);
        }
    }

    @Override
    public String getStatus() {
        return "promotion " + recordId + " to " + environment;
    }

    /** Slow work of a phase. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    /** Runs slow work off the Pipeline's thread; {@link #stop(Throwable)} interrupts it. */
    void offThread(Work work) {
        run(work::run);
    }

    PromotionInputs inputs() {
        return new PromotionInputs(this);
    }

    PromotionRecorder recorder() {
        return new PromotionRecorder(this);
    }

    PromotionWaits waits() {
        return new PromotionWaits(this);
    }

    PromotionTurns turns() {
        return new PromotionTurns(this);
    }

    PromotionDeployment deployment() {
        return new PromotionDeployment(this);
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

        FlowInterruptedException interruption() {
            return new FlowInterruptedException(Result.NOT_BUILT, true, this);
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
            return Messages.PromoteStep_Expired(reason);
        }
    }
}
