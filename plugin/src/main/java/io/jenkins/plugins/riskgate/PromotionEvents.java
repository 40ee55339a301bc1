package io.jenkins.plugins.riskgate;

import hudson.model.Run;
import hudson.model.TaskListener;
import io.riskgate.events.DeliveryEvent;
import io.riskgate.gate.ApprovalWait;
import io.riskgate.gate.GateDecision;
import io.riskgate.report.PromotionNotice;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The events of a build's promotions (core's {@link DeliveryEvent}): kept on the build's Deployment
 * gates page and sent to the webhook by {@link EventDelivery}. The promote step calls one method per
 * fact; none of them throws or blocks on the network. Only the waiting promotion's delivery is told in
 * the build's log (as before there were other events).
 */
@Restricted(NoExternalUse.class)
final class PromotionEvents {
    private static final Logger LOGGER = Logger.getLogger(PromotionEvents.class.getName());

    private PromotionEvents() {
    }

    /** The gate decided (also again, after a soak time). */
    static void gateDecided(Run<?, ?> run, PromotionRecord record, GateDecision decision) {
        emit(run, () -> DeliveryEvent.gateDecided(pipeline(run), run.getNumber(), record.getId(), decision, record.getStartedBy(), Instant.now()),
                null);
    }

    /** The promotion waits for approval: the notice's event. */
    static void waiting(Run<?, ?> run, PromotionNotice notice, TaskListener listener) {
        emit(run, () -> DeliveryEvent.promotionWaiting(notice), listener);
    }

    /** An approval or rejection that counted. */
    static void decided(Run<?, ?> run, PromotionRecord record, String user, boolean approved, String comment, ApprovalWait.Transition t,
                        long now) {
        List<String> missing = t.status() == null || t.settles() ? List.of() : t.status().missing();
        emit(run, () -> DeliveryEvent.approval(pipeline(run), run.getNumber(), record.getId(), record.getEnvironment(), user, approved, comment,
                t.settles(), missing, Instant.ofEpochMilli(now)), null);
    }

    /**
     * A settled promotion (or a deployment {@code recordDeployment} recorded): a finished deployment (after its failed verification, when it failed), or a
     * promotion that ended without deploying.
     */
    static void settled(Run<?, ?> run, PromotionRecord record) {
        PromotionRecord.State state = record.getState();
        if (state == null || !state.finished()) {
            return;
        }
        String pipeline = pipeline(run);
        if ("FAILED".equals(record.getVerificationOutcome())) {
            emit(run, () -> DeliveryEvent.verificationFailed(pipeline, run.getNumber(), record.getId(), record.getEnvironment(),
                    record.getVerification(), record.getVerificationReason(), Instant.ofEpochMilli(record.verificationFinished())), null);
        }
        Instant finished = Instant.ofEpochMilli(record.getFinished() > 0 ? record.getFinished() : System.currentTimeMillis());
        if (state.core().leavesChangeRecord(record.getStarted() > 0)) {
            DeliveryEvent.Deployment d = new DeliveryEvent.Deployment(record.getHead(), state.name(), Instant.ofEpochMilli(record.getStarted()),
                    finished, record.getVerificationOutcome(), record.getNote(), record.getScore() < 0 ? null : record.getScore(), record.getLevel());
            emit(run, () -> DeliveryEvent.deploymentFinished(pipeline, run.getNumber(), record.getId(), record.getEnvironment(), d,
                    record.getStartedBy()), null);
        } else {
            emit(run, () -> DeliveryEvent.promotionEnded(pipeline, run.getNumber(), record.getId(), record.getEnvironment(), record.getHead(),
                    state.name(), record.getNote(), record.getSettledBy() != null ? record.getSettledBy() : record.getStartedBy(), finished),
                    null);
        }
    }

    private static String pipeline(Run<?, ?> run) {
        return run.getParent().getFullName();
    }

    /** Keeps the event on the build's page and sends it; with a listener, the build's log says whether it went out. */
    private static void emit(Run<?, ?> run, java.util.function.Supplier<DeliveryEvent> make, TaskListener listener) {
        DeliveryEvent event;
        try {
            event = make.get();
            PromotionAction.of(run).addEvent(new PromotionEvent(event));
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "cannot keep an event of " + run, e);
            return;
        }
        EventDelivery.send(event, listener);
    }
}
