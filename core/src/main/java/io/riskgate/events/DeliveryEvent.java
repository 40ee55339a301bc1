package io.riskgate.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskgate.gate.GateDecision;
import io.riskgate.gate.RuleResult;
import io.riskgate.records.Incident;
import io.riskgate.records.IncidentStore;
import io.riskgate.records.Review;
import io.riskgate.report.PromotionNotice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One fact of a delivery, as the webhook receives it and the build's page lists it (docs/telemetry.md,
 * "Events"): a gate's decision, an approval or rejection, a promotion that waits or ends, a finished
 * deployment, a failed verification, an incident opened or resolved, a review added.
 *
 * <p>The id is derived from what identifies the fact, never from when it was seen: delivering it again,
 * a step resumed after a restart, or the same alert reported twice give the same id (the webhook's
 * {@code Idempotency-Key}); distinct facts give distinct ids. Outside text (reasons, comments, titles,
 * summaries) is bounded to {@value #LONGEST_TEXT} characters.
 *
 * @param build the build's number, or null where the fact is not a build's (an incident, a review)
 * @param promotion the promotion's id, which is its change record's id; for an incident or review, the deployment's
 * @param actor who did it (an approver, the build's starter, a review's author, an incident's source), or null
 * @param summary one line for people: the outcome and why
 * @param fields the type's own fields, in order
 */
public record DeliveryEvent(String id, String type, Instant at, String pipeline, Integer build, String promotion, String environment,
                            String actor, String summary, Map<String, Object> fields) {
    public static final String GATE_DECIDED = "gate.decided";
    public static final String PROMOTION_WAITING = "promotion.waiting";
    public static final String APPROVAL_GIVEN = "approval.given";
    public static final String APPROVAL_REJECTED = "approval.rejected";
    public static final String PROMOTION_ENDED = "promotion.ended";
    public static final String DEPLOYMENT_FINISHED = "deployment.finished";
    public static final String VERIFICATION_FAILED = "verification.failed";
    public static final String INCIDENT_OPENED = "incident.opened";
    public static final String INCIDENT_RESOLVED = "incident.resolved";
    public static final String REVIEW_ADDED = "review.added";
    /** Every type, in the order a promotion's facts happen. */
    public static final List<String> TYPES = List.of(GATE_DECIDED, PROMOTION_WAITING, APPROVAL_GIVEN, APPROVAL_REJECTED, PROMOTION_ENDED,
            DEPLOYMENT_FINISHED, VERIFICATION_FAILED, INCIDENT_OPENED, INCIDENT_RESOLVED, REVIEW_ADDED);
    /** The longest piece of outside text an event carries (more is cut, with "..."). */
    public static final int LONGEST_TEXT = PromotionNotice.LONGEST_TEXT;
    /** The most failed rules a gate decision names. */
    public static final int MOST_RULES = 20;
    /** The common fields, which a type's own fields never replace. */
    private static final Set<String> COMMON = Set.of("id", "type", "at", "pipeline", "build", "promotion", "environment", "actor", "summary");

    public DeliveryEvent {
        if (id == null || type == null || at == null) {
            throw new IllegalArgumentException("an event needs an id, a type and a time");
        }
        summary = bounded(summary);
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields == null ? Map.of() : fields));
    }

    // ---- the types

    /** The gate decided a promotion: ALLOW, NEEDS_APPROVAL or BLOCK, with the rules that did not pass. */
    public static DeliveryEvent gateDecided(String pipeline, int build, String promotion, GateDecision decision, String actor, Instant at) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("outcome", decision.outcome().name());
        f.put("head", decision.head());
        f.put("score", decision.score());
        f.put("level", decision.level().name());
        List<Map<String, Object>> failed = new ArrayList<>();
        for (RuleResult r : decision.failed()) {
            if (failed.size() == MOST_RULES) {
                break;
            }
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("id", r.id());
            rule.put("effect", r.effect().name());
            rule.put("reason", bounded(r.reason()));
            failed.add(rule);
        }
        f.put("failedRules", failed);
        f.put("rules", decision.rules().size());
        String summary = decision.outcome().name() + ", risk " + decision.score() + " " + decision.level().name()
                + (decision.failed().isEmpty() ? "" : ", " + decision.failed().size() + " of " + decision.rules().size() + " rules failed");
        // a soak time's second evaluation that lets the change go is another decision than the first one's wait
        return new DeliveryEvent(id(GATE_DECIDED, pipeline, String.valueOf(build), promotion, decision.outcome().name(), decision.head()),
                GATE_DECIDED, at, pipeline, build, promotion, decision.environment(), actor, summary, f);
    }

    /** A waiting promotion's notice: the event {@link PromotionNotice#event()} describes, with the same id. */
    public static DeliveryEvent promotionWaiting(PromotionNotice notice) {
        Map<String, Object> f = new LinkedHashMap<>(notice.event());
        f.keySet().removeAll(COMMON);
        String summary = "waits for approval: " + String.join("; ", notice.waitingFor());
        return new DeliveryEvent(notice.eventId(), PROMOTION_WAITING, notice.at(), notice.pipeline(), notice.build(), notice.promotion(),
                notice.decision().environment(), null, summary, f);
    }

    /**
     * One approval or rejection of a waiting promotion. One person decides a promotion once, so the
     * promotion and the person identify it.
     *
     * @param settles whether it settled the wait (the last approval the quorum needed, or a rejection)
     * @param missing what the quorum still misses after it
     */
    public static DeliveryEvent approval(String pipeline, int build, String promotion, String environment, String user, boolean approved,
                                         String comment, boolean settles, List<String> missing, Instant at) {
        String type = approved ? APPROVAL_GIVEN : APPROVAL_REJECTED;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("approver", user);
        f.put("comment", comment == null ? null : bounded(comment));
        f.put("settles", settles);
        List<String> still = missing == null ? List.of() : missing.stream().map(DeliveryEvent::bounded).toList();
        f.put("missing", still);
        String summary = (approved ? "approved by " : "rejected by ") + user + (comment == null ? "" : ": " + comment)
                + (approved && !settles && !still.isEmpty() ? " (still missing: " + String.join(", ", still) + ")" : "");
        return new DeliveryEvent(id(type, pipeline, String.valueOf(build), promotion, user), type, at, pipeline, build, promotion, environment,
                user, summary, f);
    }

    /**
     * A promotion that ended without deploying: BLOCKED, REJECTED, EXPIRED, SUPERSEDED, or ABORTED
     * before its deployment started. A promotion ends once.
     */
    public static DeliveryEvent promotionEnded(String pipeline, int build, String promotion, String environment, String head, String outcome,
                                               String note, String actor, Instant at) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("outcome", outcome);
        f.put("head", head);
        f.put("note", note == null ? null : bounded(note));
        return new DeliveryEvent(id(PROMOTION_ENDED, pipeline, String.valueOf(build), promotion), PROMOTION_ENDED, at, pipeline, build, promotion,
                environment, actor, outcome + (note == null ? "" : ": " + note), f);
    }

    /** The facts of a finished deployment, as {@link #deploymentFinished} takes them. */
    public record Deployment(String head, String outcome, Instant started, Instant finished, String verification, String note,
                             Integer score, String level) {
    }

    /**
     * A deployment ended: SUCCEEDED, FAILED, ROLLED_BACK, or ABORTED while it ran. A deployment
     * finishes once: its change record's id identifies it.
     */
    public static DeliveryEvent deploymentFinished(String pipeline, int build, String promotion, String environment, Deployment d,
                                                   String actor) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("outcome", d.outcome());
        f.put("head", d.head());
        f.put("startedAt", d.started() == null ? null : d.started().toString());
        f.put("finishedAt", d.finished().toString());
        f.put("durationSeconds", d.started() == null ? null : Math.max(0, d.finished().getEpochSecond() - d.started().getEpochSecond()));
        f.put("score", d.score());
        f.put("level", d.level());
        f.put("verification", d.verification());
        f.put("note", d.note() == null ? null : bounded(d.note()));
        String summary = d.outcome() + (f.get("durationSeconds") == null ? "" : " after " + f.get("durationSeconds") + " s")
                + (d.verification() == null ? "" : ", verification " + d.verification()) + (d.note() == null ? "" : ": " + d.note());
        return new DeliveryEvent(id(DEPLOYMENT_FINISHED, pipeline, String.valueOf(build), promotion), DEPLOYMENT_FINISHED, d.finished(), pipeline,
                build, promotion, environment, actor, summary, f);
    }

    /** The checks after a deployment failed (the rollback, when declared, follows). */
    public static DeliveryEvent verificationFailed(String pipeline, int build, String promotion, String environment, String verification,
                                                   String reason, Instant at) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("verification", verification == null ? null : bounded(verification));
        f.put("reason", reason == null ? null : bounded(reason));
        return new DeliveryEvent(id(VERIFICATION_FAILED, pipeline, String.valueOf(build), promotion), VERIFICATION_FAILED, at, pipeline, build,
                promotion, environment, null, "verification failed" + (reason == null ? "" : ": " + reason), f);
    }

    /** An incident opened: its source's id identifies it (an alert's fingerprint and start), however often it is reported. */
    public static DeliveryEvent incidentOpened(Incident i) {
        return incident(INCIDENT_OPENED, i, i.startedAt());
    }

    /** An incident resolved (a resolution is final, so the incident identifies it too). */
    public static DeliveryEvent incidentResolved(Incident i) {
        if (i.resolvedAt() == null) {
            throw new IllegalArgumentException("incident " + i.id() + " is open");
        }
        return incident(INCIDENT_RESOLVED, i, i.resolvedAt());
    }

    /** The event of an incident as it stands: resolved, else opened. */
    public static DeliveryEvent incident(Incident i) {
        return i.open() ? incidentOpened(i) : incidentResolved(i);
    }

    /**
     * The events of what one incident report did: an opening, or a resolution, after its opening when
     * the report recorded the incident resolved at once.
     */
    public static List<DeliveryEvent> reported(IncidentStore.Result r) {
        Incident i = r.incident();
        return r.change() == IncidentStore.Change.ADDED && !i.open() ? List.of(incidentOpened(i), incidentResolved(i)) : List.of(incident(i));
    }

    private static DeliveryEvent incident(String type, Incident i, Instant at) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("incident", bounded(i.id()));
        f.put("title", bounded(i.title()));
        f.put("severity", i.severity());
        f.put("source", i.source());
        boolean resolved = type.equals(INCIDENT_RESOLVED);
        f.put("startedAt", i.startedAt().toString());
        // an opening is the same fact, and the same document, whether or not the incident was resolved since
        f.put("resolvedAt", resolved ? i.resolvedAt().toString() : null);
        f.put("restoreSeconds", resolved ? i.restoreSeconds() : null);
        f.put("deployment", i.deploymentId());
        f.put("link", i.link().name());
        String summary = (resolved ? "resolved incident " : "incident ") + i.id() + (i.severity() == null ? "" : " (" + i.severity() + ")")
                + ": " + i.title() + (resolved ? ", restored after " + i.restoreSeconds() + " s" : "");
        return new DeliveryEvent(id(type, i.id()), type, at, i.pipeline(), null, i.deploymentId(), i.environment(), i.source(), summary, f);
    }

    /**
     * A review attached to a deployment. The deployment, the link and the summary identify it: the same
     * review sent twice is one event, a new review of the deployment another.
     */
    public static DeliveryEvent reviewAdded(Review r, String pipeline, String environment) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("deployment", r.deploymentId());
        f.put("url", bounded(r.url()));
        f.put("author", r.author());
        f.put("reviewSummary", r.summary() == null ? null : bounded(r.summary()));
        return new DeliveryEvent(id(REVIEW_ADDED, r.deploymentId(), r.url(), r.summary() == null ? "" : r.summary()), REVIEW_ADDED,
                r.reviewedAt(), pipeline, null, r.deploymentId(), environment, r.author(),
                "review by " + r.author() + ": " + r.url() + (r.summary() == null ? "" : " (" + r.summary() + ")"), f);
    }

    // ---- the JSON document

    /** The webhook's JSON document as plain maps: the common fields, then the type's own. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("type", type);
        m.put("at", at.toString());
        m.put("pipeline", pipeline);
        m.put("build", build);
        m.put("promotion", promotion);
        m.put("environment", environment);
        m.put("actor", actor);
        m.put("summary", summary);
        fields.forEach(m::putIfAbsent);
        return m;
    }

    /** The JSON document in UTF-8. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event " + id, e);
        }
    }

    /** The same event seen from a build: its number filled in (an incident or review of one of the build's deployments). */
    public DeliveryEvent ofBuild(int number) {
        return build != null ? this : new DeliveryEvent(id, type, at, pipeline, number, promotion, environment, actor, summary, fields);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    // ---- ids and text

    /** The id of a fact: its type and the parts that identify it, hashed as {@link PromotionNotice#eventId(String, String...)} does. */
    public static String id(String type, String... parts) {
        return PromotionNotice.eventId(type, parts);
    }

    /** Outside text cut as {@link PromotionNotice#bounded} cuts it; null stays null. */
    static String bounded(String text) {
        return text == null ? null : PromotionNotice.bounded(text);
    }
}
