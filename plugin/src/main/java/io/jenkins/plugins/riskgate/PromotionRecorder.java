package io.jenkins.plugins.riskgate;

import hudson.AbortException;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.riskgate.gate.EnvironmentLane;
import io.riskgate.gate.PromotionLifecycle;
import io.riskgate.gate.PromotionLifecycle.Event;
import io.riskgate.gate.PromotionState;
import io.riskgate.rollback.RollbackPlan;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import jenkins.model.CauseOfInterruption;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.support.actions.PauseAction;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * What a promotion leaves in its build: its {@link PromotionRecord} (moved from state to state by
 * core's {@link PromotionLifecycle} and saved with build.xml), the pause of its node while it
 * waits, and, when it settles, its place in the environment's lane given up and its change record.
 */
@Restricted(NoExternalUse.class)
final class PromotionRecorder {
    private final PromoteStepExecution step;

    PromotionRecorder(PromoteStepExecution step) {
        this.step = step;
    }

    /** The promotion's record in the build, or null before the gate was evaluated. */
    PromotionRecord record() throws IOException, InterruptedException {
        if (step.recordId == null) {
            return null;
        }
        PromotionAction action = step.getContext().get(Run.class).getAction(PromotionAction.class);
        return action == null ? null : action.get(step.recordId);
    }

    /** The promotion's record: new at the first evaluation, the same one (with the new decision) after a soak time. */
    PromotionRecord recordOf(PromotionInputs.Gate gate) throws IOException, InterruptedException {
        PromotionRecord record = step.recordId == null ? null : record();
        if (record != null) {
            record.regate(gate.decision());
            return record;
        }
        Run<?, ?> run = step.getContext().get(Run.class);
        step.recordId = UUID.randomUUID().toString();
        record = new PromotionRecord(step.recordId, gate.decision(), PromotionInputs.authors(gate.assessment()), PromotionInputs.startedBy(run),
                System.currentTimeMillis(), gate.rules());
        if (gate.evidence() != null) {
            record.tests(gate.evidence().total(), gate.evidence().failed() + gate.evidence().errors());
        }
        PromotionLanes.register(step.recordId, step);
        PromotionAction.of(run).add(record);
        return record;
    }

    /** The gate blocked the promotion: it settles, and the step fails with every reason. */
    AbortException blocked(PromotionRecord record, PromotionInputs.Gate gate) throws IOException, InterruptedException {
        move(record, Event.BLOCKED, null);
        settled(record);
        return new AbortException(PromotionInputs.blockMessage(gate.decision()));
    }

    /** Applies one event of the state machine to the record and saves it; false when it does not apply (anymore). */
    boolean move(PromotionRecord record, Event event, String note) throws IOException {
        return move(record, event, note, false, false);
    }

    boolean move(PromotionRecord record, Event event, String note, boolean verifies, boolean rollsBack) throws IOException {
        boolean moved;
        synchronized (record) {
            moved = transition(record, event, note, System.currentTimeMillis(), verifies, rollsBack);
        }
        if (moved) {
            save();
        }
        return moved;
    }

    /** Applies one event to the record, which the caller holds the lock of; saves nothing. */
    static boolean transition(PromotionRecord record, Event event, String note, long now) {
        return transition(record, event, note, now, false, false);
    }

    private static boolean transition(PromotionRecord record, Event event, String note, long now, boolean verifies, boolean rollsBack) {
        PromotionRecord.State from = record.getState();
        Optional<PromotionState> to = PromotionLifecycle.next(from == null ? null : from.core(), event, verifies, rollsBack);
        to.ifPresent(state -> record.setState(PromotionRecord.State.of(state), note, now));
        return to.isPresent();
    }

    /**
     * A settled promotion leaves its environment's lane (the next one's turn comes), ends its pause,
     * and leaves a change record when it deployed.
     */
    void settled(PromotionRecord record) throws IOException, InterruptedException {
        step.turns().cancelTurnPoll();
        endPause();
        WaitingApprovals.decided(step.recordId);
        PromotionLanes.unregister(step.recordId);
        if (step.job != null) {
            Optional<EnvironmentLane.Claim> next = PromotionLanes.with(step.job, step.laneEnvironment, lane -> lane.leave(step.recordId));
            next.ifPresent(PromotionRecorder::giveTurn);
        }
        Run<?, ?> run = step.getContext().get(Run.class);
        if (record.getState().core().leavesChangeRecord(record.getStarted() > 0)) {
            RollbackPlan plan = step.inputs().plan();
            if (plan != null) {
                record.rollback(plan.command(), plan.runbook());
            }
            save();
            ChangeRecords.record(run, record, step.getContext().get(TaskListener.class));
        }
        PromotionEvents.settled(run, record);
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
                PromoteStepExecution.LOGGER.log(Level.WARNING, "cannot start the promotion " + next.id() + " of build #" + next.build(), x);
            }
        });
    }

    /** Saves the build, which holds the records. */
    void save() throws IOException {
        try {
            PromotionAction action = step.getContext().get(Run.class).getAction(PromotionAction.class);
            if (action != null) {
                action.save();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records the abort of a promotion that has not settled (except while its body runs: the body's end settles it). */
    boolean abort(PromotionRecord record) throws IOException, InterruptedException {
        PromotionRecord.State state = record.getState();
        if (!PromotionLifecycle.stopAborts(state == null ? null : state.core())) {
            return false;
        }
        String note = switch (state) {
            case WAITING_FOR_APPROVAL -> Messages.PromoteStep_AbortedWaiting();
            case WAITING_FOR_SOAK -> Messages.PromoteStep_AbortedSoaking();
            case QUEUED -> Messages.PromoteStep_AbortedQueued(step.laneEnvironment);
            case VERIFYING -> Messages.PromoteStep_AbortedVerifying();
            default -> Messages.PromoteStep_AbortedRollingBack(record.getRollbackCommand() != null ? record.getRollbackCommand()
                    : step.inputs().plan() == null ? "" : step.inputs().plan().command());
        };
        if (state == PromotionRecord.State.VERIFYING) {
            record.verificationEnded("ABORTED", note, record.getVerificationOutput(), System.currentTimeMillis());
        }
        if (!move(record, Event.ABORTED, note)) {
            return false;
        }
        settled(record);
        log(Messages.PromotionRecorder_EndedBecause(step.environment, "ABORTED", note));
        return true;
    }

    /** A stop of the build that reached only the finished body: the command was ended here; the step ends ABORTED. */
    void abortedByStop(PromotionRecord record) throws IOException, InterruptedException {
        if (abort(record)) {
            hudson.model.Executor executor = step.getContext().get(Run.class).getExecutor();
            CauseOfInterruption[] causes = executor == null ? new CauseOfInterruption[0]
                    : executor.getCausesOfInterruption().toArray(new CauseOfInterruption[0]);
            step.getContext().onFailure(new FlowInterruptedException(Result.ABORTED, true, causes));
        }
    }

    /** Marks the step's node as paused, as the input step does: Pipeline views show the promotion waiting. */
    void pause(String cause) throws IOException, InterruptedException {
        FlowNode node = step.getContext().get(FlowNode.class);
        if (node != null && !PauseAction.isPaused(node)) {
            node.addAction(new PauseAction(cause));
        }
    }

    void endPause() {
        try {
            FlowNode node = step.getContext().get(FlowNode.class);
            if (node != null && PauseAction.isPaused(node)) {
                PauseAction.endCurrentPause(node);
            }
        } catch (IOException | InterruptedException e) {
            PromoteStepExecution.LOGGER.log(Level.FINE, "cannot end the pause of promotion " + step.recordId, e);
        }
    }

    /** One line of the promotion in the build's console. */
    void log(String line) throws IOException, InterruptedException {
        step.getContext().get(TaskListener.class).getLogger().println("[riskgate] " + line);
    }
}
