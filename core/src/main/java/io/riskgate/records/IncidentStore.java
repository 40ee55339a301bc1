package io.riskgate.records;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The incidents and post-incident reviews of a record store, kept in the same database as its
 * change records ({@link ChangeRecordStore#incidents()}). The rules (docs/metrics.md, "Incidents"):
 * <ul>
 * <li>An incident is linked when it is first stored: to the deployment named with it (a change record id,
 * or the newest deployment of a named commit to its pipeline and environment finished at or before the
 * start), else to the deployment live when it started, the newest successful deployment of its pipeline
 * and environment finished at or before the start; else it stays unlinked.</li>
 * <li>Reporting an open incident again changes nothing when nothing differs; a new title or severity is
 * taken, the start and service are kept, and a live link is chosen again (deployments recorded late).</li>
 * <li>A resolution is final: resolving again, or an opening that arrives after the resolution, changes nothing.</li>
 * <li>A resolution of an incident the store does not know records it, resolved, when it names the start,
 * pipeline and environment; else it is refused.</li>
 * </ul>
 */
public interface IncidentStore {
    /** What a report did. */
    enum Change { ADDED, UPDATED, UNCHANGED }

    /** What a report did, and the incident as stored now. */
    record Result(Change change, Incident incident) {
    }

    /** Opens (or reports again) an incident. */
    Result open(IncidentReport report);

    /** Resolves an incident at {@code report.resolvedAt()}. */
    Result resolve(IncidentReport report);

    /** Several reports in one transaction, all or none, each applied in turn (an opening, or a resolution when it has a resolution time). */
    List<Result> apply(List<IncidentReport> reports);

    Optional<Incident> find(String id);

    /** The incidents that started in the query's window, of its pipeline and environment, newest first. */
    List<Incident> incidents(RecordQuery query, int offset, int limit);

    /** The incidents linked to each of these deployments (ids without an incident are absent). */
    Map<String, List<Incident>> forDeployments(Set<String> deploymentIds);

    /** The ids of the deployments of the query (finished in its window) that an incident is linked to. */
    Set<String> linkedDeployments(RecordQuery query);

    /** Incident-based change failure rate and time to restore of the query (docs/metrics.md). */
    IncidentMetrics metrics(RecordQuery query);

    /**
     * Attaches a review to a failed, rolled-back or incident-linked deployment, replacing its earlier
     * review; the change record's {@code pirUrl} becomes the review's URL.
     *
     * @throws io.riskgate.RiskGateException for an unknown deployment or one that neither failed nor caused an incident
     */
    Change review(Review review);

    Optional<Review> review(String deploymentId);

    /** The ids of the deployments of the query that have a review (or a {@code pirUrl}). */
    Set<String> reviewedDeployments(RecordQuery query);

    /**
     * The ids of the deployments of the query that have a review in the review table while their
     * change record carries no {@code pirUrl} (the record was written again without it): at most as
     * many as there are reviews. Reports read from the aggregates add these to the reviewed ones.
     */
    default Set<String> reviewedWithoutUrl(RecordQuery query) {
        return reviewedDeployments(query);
    }

    /**
     * The deployments of the query that need a review and have none: failed, rolled back or linked to
     * an incident, without a review or {@code pirUrl}; oldest first, at most {@code limit}.
     */
    List<AwaitingReview> awaitingReview(RecordQuery query, int limit);

    /**
     * How many deployments of the query need a review and have none (those {@link #awaitingReview}
     * lists, all of them). This default lists them; stores with aggregates count them from those, the
     * reviews and the incidents, without reading the selection's records.
     */
    default long awaitingReviewCount(RecordQuery query) {
        return awaitingReview(query, Integer.MAX_VALUE).size();
    }

    /** A failed, rolled-back or incident-linked deployment without a review. */
    record AwaitingReview(String deploymentId, String pipeline, String environment, String commit, Instant finishedAt,
                          Outcome outcome, int incidents) {
        /** Why it needs a review, in words: "FAILED", "ROLLED_BACK", "2 incidents", "FAILED, 1 incident". */
        public String why() {
            String n = incidents == 0 ? "" : incidents + " incident" + (incidents == 1 ? "" : "s");
            return outcome.failure() ? outcome.name() + (n.isEmpty() ? "" : ", " + n) : n;
        }
    }
}
