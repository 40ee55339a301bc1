package io.jenkins.plugins.riskgate;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.riskgate.gate.PromotionLifecycle;
import io.riskgate.gate.PromotionLifecycle.Event;
import io.riskgate.gate.Verification;
import io.riskgate.policy.VerificationRules;
import io.riskgate.rollback.RollbackPlan;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * After the deployment (the step's body) ended: its verification (the schedule and verdict are
 * core's {@link Verification}), the declared rollback when it or the verification failed and the
 * policy says so, and the step's end. The body's callbacks run on the Pipeline's thread and launch
 * nothing; the checks and the rollback run off it, abortable.
 */
@Restricted(NoExternalUse.class)
final class PromotionDeployment {
    private final PromoteStepExecution step;
    private final PromotionRecorder recorder;
    private final PromotionCommands commands;

    PromotionDeployment(PromoteStepExecution step) {
        this.step = step;
        this.recorder = step.recorder();
        this.commands = new PromotionCommands(step.getContext());
    }

    /** The body succeeded: the verification starts, or the promotion settled SUCCEEDED. */
    void succeeded(StepContext context, Object result) {
        try {
            PromotionRecord record = recorder.record();
            if (record != null && recorder.move(record, Event.BODY_SUCCEEDED, null, step.verifies, false)
                    && record.getState() == PromotionRecord.State.VERIFYING) {
                step.offThread(() -> verifyThenSettle(result, false));
                return;
            }
            settleSucceeded(record);
        } catch (IOException | InterruptedException | RuntimeException e) {
            PromoteStepExecution.LOGGER.log(Level.WARNING, "could not record the promotion to " + step.environment, e);
        }
        context.onSuccess(result);
    }

    /** The body failed: the rollback starts, or the promotion settled (ABORTED when a person stopped it). */
    void failed(StepContext context, Throwable cause) {
        step.bodyFailure = cause;
        String message = String.valueOf(cause.getMessage() == null ? cause : cause.getMessage());
        step.failure = message.length() > 1000 ? message.substring(0, 1000) + "..." : message;
        try {
            PromotionRecord record = recorder.record();
            RollbackPlan plan = step.inputs().plan();
            boolean rollsBack = PromotionLifecycle.rollsBack(step.rollbackOnFailure, plan);
            if (rollsBack && record != null && (PromotionCommands.stoppedByAPerson(cause) || commands.stopRequested())) {
                // stopped by a person: everything stops, the rollback does not start
                recorder.move(record, Event.ABORTED, Messages.PromoteStep_StoppedNoRollback(plan.command()));
                recorder.settled(record);
                recorder.log(Messages.PromotionRecorder_EndedBecause(step.environment, "ABORTED", record.getNote()));
                context.onFailure(cause);
                return;
            }
            if (record != null && recorder.move(record, Event.BODY_FAILED, rollsBack ? null : plan == null ? Messages.PromoteStep_NoRollbackDeclared() : null,
                    false, rollsBack) && record.getState() == PromotionRecord.State.ROLLING_BACK) {
                step.offThread(this::rollBackThenFail);
                return;
            }
            if (record != null) {
                recorder.settled(record);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            PromoteStepExecution.LOGGER.log(Level.WARNING, "could not record the promotion to " + step.environment, e);
        }
        context.onFailure(cause);
    }

    private void settleSucceeded(PromotionRecord record) throws IOException, InterruptedException {
        if (record != null) {
            recorder.settled(record);
            recorder.log(Messages.PromotionRecorder_Ended(step.environment, "SUCCEEDED"));
        }
    }

    /**
     * Runs the verification's checks on its schedule (off the Pipeline's thread); a failing
     * verification rolls the deployment back as a failing body would.
     */
    void verifyThenSettle(Object result, boolean resumed) throws Exception {
        VerificationRules rules = step.inputs().verificationRules(step.inputs().rules());
        TaskListener listener = step.getContext().get(TaskListener.class);
        PromotionRecord record = recorder.record();
        if (resumed) {
            recorder.log(Messages.PromoteStep_VerificationRestarted(step.laneEnvironment));
        }
        record.verificationStarted(rules.describe(), System.currentTimeMillis());
        recorder.save();
        recorder.log(Messages.PromoteStep_Verifying(step.laneEnvironment, rules.describe()));
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
                PromotionCommands.Launched check;
                try {
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    at = Instant.now();
                    check = commands.launch(where, rules.command(), rules.timeout(), listener);
                } catch (InterruptedException e) {
                    if (cutShort(controller, record)) {
                        return;
                    }
                    throw e;
                }
                if (JenkinsFacade.JENKINS.terminating(controller)) {
                    return;
                }
                Duration took = Duration.between(at, Instant.now());
                lastOutput = check.output();
                checks.add(new Verification.Check(at, check.code() == 0, took, check.output()));
                recorder.log(Messages.PromoteStep_Check(checks.size(), check.code() == 0 ? "passed"
                        : check.timedOut() ? "timed out after " + rules.timeout().toSeconds() + "s" : "failed with exit code " + check.code()));
            }
        }
        boolean passed = next.verdict() == Verification.Verdict.PASSED;
        record.verificationEnded(passed ? "PASSED" : "FAILED", next.reason(), Verification.tail(lastOutput), System.currentTimeMillis());
        recorder.log(Messages.PromoteStep_Verified(step.laneEnvironment, passed ? "PASSED" : "FAILED", next.reason()));
        if (passed) {
            if (recorder.move(record, Event.VERIFIED, null)) {
                settleSucceeded(record);
                step.getContext().onSuccess(result);
            }
            return;
        }
        boolean rollsBack = PromotionLifecycle.rollsBack(step.rollbackOnFailure, step.inputs().plan());
        step.failure = "verification of " + step.laneEnvironment + " failed: " + next.reason();
        step.bodyFailure = new AbortException(step.failure);
        if (!recorder.move(record, Event.VERIFICATION_FAILED, rollsBack ? null : step.failure, false, rollsBack)) {
            return;
        }
        if (record.getState() == PromotionRecord.State.ROLLING_BACK) {
            rollBackThenFail();
        } else {
            recorder.settled(record);
            step.getContext().onFailure(step.bodyFailure);
        }
    }

    /** Runs the declared rollback (off the Pipeline's thread; abortable), settles, and fails the step with the deployment's failure. */
    void rollBackThenFail() throws Exception {
        PromotionRecord record = recorder.record();
        RollbackPlan plan = step.inputs().plan();
        Throwable cause = step.bodyFailure != null ? step.bodyFailure
                : new AbortException(step.failure == null ? "the deployment failed" : step.failure);
        if (record == null || plan == null || !plan.hasCommand()) {
            step.getContext().onFailure(cause);
            return;
        }
        boolean resumed = step.bodyFailure == null;
        if (resumed && !PromotionLifecycle.rollbackRunsAgain(step.rollbackRuns)) {
            String reason = Messages.PromoteStep_RollbackRestartedTooOften(plan.command(), step.rollbackRuns);
            recorder.move(record, Event.ROLLBACK_FAILED, reason);
            recorder.settled(record);
            recorder.log(reason);
            step.getContext().onFailure(cause);
            return;
        }
        if (resumed) {
            recorder.log(Messages.PromoteStep_RollbackRestarted(step.laneEnvironment, plan.command()));
        }
        step.rollbackRuns++;
        recorder.save();
        RollbackLocation where = locate(resumed, true);
        if (where.problem() != null) {
            recorder.move(record, Event.ROLLBACK_FAILED, Messages.PromoteStep_RollbackCouldNotRun(plan.command(), where.problem()));
            recorder.log(Messages.PromotionDeployment_RollbackCannotRun(step.environment, where.problem()));
        } else {
            if (where.describe() != null) {
                recorder.log(Messages.PromotionDeployment_RollbackRunsOn(where.describe()));
            }
            recorder.log("FAILED".equals(record.getVerificationOutcome())
                    ? Messages.PromotionDeployment_VerificationFailedRollingBack(step.environment, plan.command())
                    : Messages.PromotionDeployment_DeploymentFailedRollingBack(step.environment, plan.command()));
            PromotionCommands.Launched rollback;
            Object controller = JenkinsFacade.JENKINS.controller();
            try {
                rollback = commands.launch(where, plan.command(), null, step.getContext().get(TaskListener.class));
            } catch (InterruptedException e) {
                if (cutShort(controller, record)) {
                    return;
                }
                throw e;
            }
            if (JenkinsFacade.JENKINS.terminating(controller)) {
                return;
            }
            boolean done = rollback.code() == 0;
            String note = done ? Messages.PromoteStep_RollbackSucceeded(plan.command()) : Messages.PromoteStep_RollbackFailed(plan.command(), String.valueOf(rollback.code()));
            if (record.getVerificationReason() != null && "FAILED".equals(record.getVerificationOutcome())) {
                note = Messages.PromoteStep_VerificationFailedThen(record.getVerificationReason(), note);
            }
            if (recorder.move(record, done ? Event.ROLLBACK_SUCCEEDED : Event.ROLLBACK_FAILED, note)) {
                recorder.log(done ? Messages.PromotionRecorder_Ended(step.environment, "ROLLED_BACK")
                        : Messages.PromotionDeployment_RollbackFailed(step.environment, String.valueOf(rollback.code())));
            }
        }
        recorder.settled(record);
        step.getContext().onFailure(cause);
    }

    /**
     * A command was interrupted: by the shutdown (it starts again after the restart), by stop()
     * (which recorded it), or by a stop of the build that reached only the finished body (recorded
     * here). Whether it was one of these; else the interruption is a failure.
     */
    private boolean cutShort(Object controller, PromotionRecord record) throws IOException, InterruptedException {
        if (JenkinsFacade.JENKINS.terminating(controller) || record.getState() == PromotionRecord.State.ABORTED) {
            return true;
        }
        if (commands.stopRequested()) {
            recorder.abortedByStop(record);
            return true;
        }
        return false;
    }

    /**
     * Where the verification and the rollback run: the step's own workspace inside node {}; else,
     * for the verification, the node the body used last (or where declareRollback was called), for
     * the rollback where declareRollback was called (or the node the body used last). After a
     * restart the node may still be reconnecting: then it waits for it a while.
     */
    private RollbackLocation locate(boolean waitForNode, boolean rollback) throws IOException, InterruptedException {
        StepContext context = step.getContext();
        TaskListener listener = context.get(TaskListener.class);
        long until = System.currentTimeMillis() + (waitForNode ? PromoteStepExecution.NODE_WAIT_SECONDS * 1000 : 0);
        while (true) {
            RollbackLocation where;
            FilePath workspace = null;
            try {
                workspace = context.get(FilePath.class);
            } catch (IOException e) {
                PromoteStepExecution.LOGGER.log(Level.FINE, "no workspace for promotion " + step.recordId + " yet", e);
            }
            if (workspace != null && workspace.getChannel() != null) {
                Launcher launcher = context.get(Launcher.class);
                EnvVars env = context.get(EnvVars.class);
                where = new RollbackLocation(workspace, launcher, env, null, null);
            } else {
                RollbackPlansAction plans = context.get(Run.class).getAction(RollbackPlansAction.class);
                RollbackPlansAction.Plan declared = plans == null ? null : plans.declared(step.laneEnvironment);
                where = RollbackLocation.of(context.get(FlowNode.class), declared, rollback, listener);
            }
            if (where.problem() == null || System.currentTimeMillis() >= until) {
                return where;
            }
            Thread.sleep(2000);
        }
    }
}
