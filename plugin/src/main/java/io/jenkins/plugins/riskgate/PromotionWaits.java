package io.jenkins.plugins.riskgate;

import hudson.AbortException;
import hudson.console.HyperlinkNote;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.riskgate.operations.Telemetry;
import io.riskgate.gate.Approval;
import io.riskgate.gate.ApprovalWait;
import io.riskgate.gate.Approver;
import io.riskgate.gate.PromotionCandidate;
import io.riskgate.gate.PromotionLifecycle.Event;
import io.riskgate.gate.Quorum;
import io.riskgate.policy.EnvironmentRules;
import io.riskgate.risk.Level;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jenkins.model.CauseOfInterruption;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The waits of a promotion that the gate did not let through, holding no executor: the soak time
 * (then the gate is evaluated again), and approval (decisions from the build page until the quorum
 * is met, a rejection, or the timeout). What one more decision does is core's {@link ApprovalWait}.
 */
@Restricted(NoExternalUse.class)
final class PromotionWaits {
    private final PromoteStepExecution step;

    PromotionWaits(PromoteStepExecution step) {
        this.step = step;
    }

    /** The answer to one decision: an HTTP status and the words for the person who decided. */
    record Answer(int status, String message) {
    }

    /** Every rule that blocks passes by itself at {@code until}: wait until then and decide again. */
    void soak(PromotionRecord record, Instant until, EnvironmentRules rules) throws IOException, InterruptedException {
        step.soakUntil = until.toEpochMilli();
        step.recorder().pause(Messages.PromoteStep_SoakPause());
        step.recorder().move(record, Event.SOAKING, null);
        step.recorder().log(Messages.PromotionWaits_Soak(String.valueOf(until), rules.name()));
        scheduleSoak();
    }

    /** Waits for approval: the build page shows the buttons, the approvers are told, the timeout starts. */
    void approval(PromotionRecord record, PromotionInputs.Gate gate) throws IOException, InterruptedException {
        Run<?, ?> run = step.getContext().get(Run.class);
        TaskListener listener = step.getContext().get(TaskListener.class);
        step.soakUntil = 0;
        step.waitingSince = System.currentTimeMillis();
        if (gate.decision().quorum() != null && gate.rules().quorum().beyondOne()) {
            record.approvals(Messages.PromoteStep_StillMissing(String.join(", ", gate.decision().quorum().missing())), null);
        }
        step.recorder().pause(Messages.PromoteStep_ApprovalPause());
        step.recorder().move(record, Event.NEEDS_APPROVAL, null);
        WaitingApprovals.waiting(run, record, step.waitingSince);
        scheduleExpiry(gate.rules());
        String url = "/" + run.getUrl() + PromotionAction.URL + "/";
        listener.getLogger().println("[riskgate] " + Messages.PromotionWaits_WaitingForApproval(gate.decision().environment(),
                HyperlinkNote.encodeTo(url, Messages.PromotionWaits_ApproveHere())));
        PromotionNotifications.waiting(run, record, gate.decision(), gate.rules(), gate.assessment(), listener);
    }

    /**
     * After a restart: the timers of the waits start again, a promotion waiting for approval is
     * listed again, and one superseded meanwhile ends.
     */
    void resume(PromotionRecord record, PromotionRecord.State state) throws IOException, InterruptedException {
        if (state == null && step.soakUntil > 0) {
            scheduleSoak();   // a promotion of an earlier version that soaked without a record
        } else if (state == PromotionRecord.State.WAITING_FOR_SOAK) {
            scheduleSoak();   // the timer did not survive the restart
        } else if (state == PromotionRecord.State.WAITING_FOR_APPROVAL) {
            WaitingApprovals.waiting(step.getContext().get(Run.class), record, step.waitingSince);
            scheduleExpiry(step.inputs().rules());
        } else if (state == PromotionRecord.State.QUEUED) {
            Timer.get().submit(step.turns()::pollTurn);
        } else if (state == PromotionRecord.State.SUPERSEDED && record.getFinished() > 0) {
            // superseded while this build was not running yet after the restart
            step.getContext().onFailure(new PromoteStepExecution.Superseded(record.getSupersededBy(), record.getEnvironment()).interruption());
        }
    }

    private void scheduleSoak() {
        Timer.get().schedule(() -> step.offThread(step::evaluate), Math.max(0, step.soakUntil - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    private void scheduleExpiry(EnvironmentRules rules) {
        if (step.waitingSince == 0) {
            return;
        }
        ApprovalWait.expiresAt(rules, Instant.ofEpochMilli(step.waitingSince)).ifPresent(at -> {
            long delay = Math.max(0, at.toEpochMilli() - System.currentTimeMillis());
            Timer.get().schedule(this::expire, delay, TimeUnit.MILLISECONDS);
        });
    }

    /** Ends a promotion whose approval timeout ran out, unless a decision settled it first. */
    private void expire() {
        try {
            PromotionRecord record = step.recorder().record();
            if (record == null) {
                return;
            }
            EnvironmentRules rules = step.inputs().rules();
            String reason = ApprovalWait.expiredReason(rules, quorum(rules, record));
            if (!step.recorder().move(record, Event.EXPIRED, reason)) {
                return;
            }
            step.recorder().settled(record);
            step.recorder().log(Messages.PromotionRecorder_EndedBecause(step.environment, "EXPIRED", reason));
            step.getContext().onFailure(new FlowInterruptedException(Result.ABORTED, true, new PromoteStepExecution.Expired(reason)));
        } catch (IOException | InterruptedException | RuntimeException e) {
            PromoteStepExecution.LOGGER.log(java.util.logging.Level.WARNING, "cannot expire promotion " + step.recordId, e);
        }
    }

    /**
     * One approval or rejection from the build page (the Approve permission was checked by the
     * caller). The record's lock makes each decision see the ones before it: the promotion settles
     * once, and the deployment starts once, however many decisions arrive together.
     */
    Answer decide(Approver who, boolean approve, String comment) throws IOException, InterruptedException {
        PromotionRecord record = step.recorder().record();
        if (record == null) {
            return new Answer(404, Messages.PromotionAction_NoPromotion(step.recordId, step.getContext().get(Run.class).getFullDisplayName()));
        }
        EnvironmentRules rules = step.inputs().rules();
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
            record.approvals(t.settles() ? t.reason() : Messages.PromoteStep_ApprovedStillMissing(t.status().approvedBy(),
                    String.join(", ", t.status().missing())), t.settles() ? who.id() : null);
            switch (t.kind()) {
                case APPROVED -> PromotionRecorder.transition(record, Event.APPROVED, null, now);
                case REJECTED -> PromotionRecorder.transition(record, Event.REJECTED, comment, now);
                case FROZEN -> PromotionRecorder.transition(record, Event.BLOCKED, t.reason(), now);
                default -> { }
            }
        }
        step.recorder().save();
        PromotionEvents.decided(step.getContext().get(Run.class), record, who.id(), approve, comment, t, now);
        if (t.settles()) {
            WaitingApprovals.decided(step.recordId);
            step.recorder().endPause();
        }
        step.recorder().log(Messages.PromotionWaits_Turn(step.environment, t.reason()));
        if (t.kind() == ApprovalWait.Kind.APPROVED && step.waitingSince > 0) {
            Telemetry.approvalWait(step.environment, now - step.waitingSince);
        }
        switch (t.kind()) {
            case APPROVED -> step.turns().askForTurn();
            case REJECTED -> {
                step.recorder().settled(record);
                step.getContext().onFailure(new FlowInterruptedException(Result.ABORTED, true, new CauseOfInterruption.UserInterruption(who.id())));
            }
            case FROZEN -> {
                step.recorder().settled(record);
                step.getContext().onFailure(new AbortException("promotion to " + step.environment + " blocked: " + t.reason()));
            }
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
}
