package io.jenkins.plugins.riskgate;

import hudson.console.HyperlinkNote;
import hudson.model.Job;
import hudson.model.Run;
import io.riskgate.gate.EnvironmentLane;
import io.riskgate.gate.PromotionLifecycle;
import io.riskgate.gate.PromotionLifecycle.Event;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import jenkins.util.Timer;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * A promotion's place in its environment's lane ({@link PromotionLanes}, core's
 * {@link EnvironmentLane}): it arrives and supersedes older builds' waiting promotions (or is
 * superseded itself); once decided, it deploys when no other promotion of the job holds the
 * environment, else it queues, holding no executor, until its turn comes.
 */
@Restricted(NoExternalUse.class)
final class PromotionTurns {
    private final PromoteStepExecution step;

    PromotionTurns(PromoteStepExecution step) {
        this.step = step;
    }

    /**
     * Joins the environment's lane: promotions of older builds that have not started to deploy end
     * SUPERSEDED; this one does when a newer build got there first. Returns whether this one did.
     */
    boolean arrive(PromotionRecord record) throws IOException, InterruptedException {
        EnvironmentLane.Arrival arrival = PromotionLanes.with(step.job, step.laneEnvironment, lane -> lane.arrive(claim(record)));
        for (EnvironmentLane.Claim older : arrival.superseded()) {
            supersede(step.job, older, step.build);
        }
        if (!arrival.superseded().isEmpty()) {
            step.recorder().log(Messages.PromoteStep_Supersedes(step.laneEnvironment,
                    String.join(", ", arrival.superseded().stream().map(c -> "#" + c.build()).toList())));
        }
        if (arrival.outdated()) {
            supersededBy(arrival.supersededBy());
            return true;
        }
        return false;
    }

    /** The gate let the promotion through: it asks for its turn. */
    void allowed(PromotionRecord record) throws IOException, InterruptedException {
        step.soakUntil = 0;
        step.recorder().move(record, Event.ALLOWED, null);
        askForTurn();
    }

    /**
     * The promotion is decided: it deploys when no other promotion of this job holds the environment,
     * else it waits for its turn, holding no executor.
     */
    void askForTurn() throws IOException, InterruptedException {
        PromotionRecord record = step.recorder().record();
        if (record == null || record.getState() != PromotionRecord.State.QUEUED) {
            cancelTurnPoll();
            return;
        }
        EnvironmentLane.Claim claim = claim(record);
        Object[] outcome = PromotionLanes.with(step.job, step.laneEnvironment, lane -> {
            EnvironmentLane.Arrival arrival = lane.arrive(claim);   // nothing when it arrived before
            return arrival.outdated() ? new Object[] {arrival, null} : new Object[] {arrival, lane.take(step.recordId, Instant.now())};
        });
        EnvironmentLane.Arrival arrival = (EnvironmentLane.Arrival) outcome[0];
        for (EnvironmentLane.Claim older : arrival.superseded()) {
            supersede(step.job, older, step.build);
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
            step.recorder().pause(Messages.PromoteStep_QueuedPause(step.laneEnvironment));
            record.queuedBehind(holder);
            step.recorder().save();
            Job<?, ?> j = step.getContext().get(Run.class).getParent();
            Run<?, ?> holding = j.getBuildByNumber(holder);
            String link = holding == null ? "#" + holder : HyperlinkNote.encodeTo("/" + holding.getUrl(), holding.getDisplayName());
            step.recorder().log(Messages.PromoteStep_Queued(step.laneEnvironment, link, turn.position()));
        }
        if (step.turnPoll == null) {
            step.turnPoll = Timer.get().scheduleWithFixedDelay(this::pollTurn, PromoteStepExecution.TURN_POLL_SECONDS,
                    PromoteStepExecution.TURN_POLL_SECONDS, TimeUnit.SECONDS);
        }
    }

    void pollTurn() {
        try {
            askForTurn();
        } catch (IOException | InterruptedException | RuntimeException e) {
            PromoteStepExecution.LOGGER.log(Level.WARNING, "cannot look for the turn of promotion " + step.recordId, e);
        }
    }

    void cancelTurnPoll() {
        ScheduledFuture<?> poll = step.turnPoll;
        if (poll != null) {
            poll.cancel(false);
            step.turnPoll = null;
        }
    }

    /** It is this promotion's turn: the deployment starts (once, however many callers say so). */
    void turn() throws IOException, InterruptedException {
        cancelTurnPoll();
        PromotionRecord record = step.recorder().record();
        if (record == null || !step.recorder().move(record, Event.TURN, null)) {
            return;
        }
        step.recorder().endPause();
        step.startBody();
    }

    /** After a restart: the execution can be found again, and the lane is rebuilt from the records. */
    void rejoin(PromotionRecord.State state) {
        PromotionLanes.register(step.recordId, step);
        if (step.job != null && state != null && !state.finished()) {
            // rebuild the lane from the records now, off the Pipeline's thread, which settles promotions later
            String job = step.job;
            String environment = step.laneEnvironment;
            Timer.get().submit(() -> PromotionLanes.with(job, environment, lane -> null));
        }
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
                WaitingApprovals.decided(older.id());
                action.save();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            PromoteStepExecution.LOGGER.log(Level.WARNING, "cannot supersede promotion " + older.id() + " of " + job + " #" + older.build(), e);
        }
    }

    /** Ends this waiting promotion: a newer build promotes a newer change to the same environment. */
    void supersededBy(int newer) throws IOException, InterruptedException {
        PromotionRecord record = step.recorder().record();
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
        step.recorder().save();
        step.recorder().settled(record);
        step.recorder().log(record.getNote());
        step.getContext().onFailure(new PromoteStepExecution.Superseded(newer, record.getEnvironment()).interruption());
    }

    private EnvironmentLane.Claim claim(PromotionRecord record) {
        return new EnvironmentLane.Claim(step.recordId, step.build, Instant.ofEpochMilli(record.getRequested()));
    }
}
