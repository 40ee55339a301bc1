package io.riskgate.metrics;

import io.riskgate.records.ChangeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Is each pipeline ready for production? From its records: a rollback declared and exercised
 * recently, a runbook linked, tests gating its deployments, approvals used for production, and its
 * recent failures (failed, rolled back or linked to an incident) with or without a post-incident
 * review. See docs/metrics.md.
 */
public final class Readiness {
    public static final Duration REHEARSAL_MAX_AGE = Duration.ofDays(90);
    public static final Duration RECENT = Duration.ofDays(30);

    /** One pipeline's readiness: each check, and the failures that lack a review. */
    public record PipelineReadiness(String pipeline, boolean rollbackDeclared, boolean rollbackRehearsed, boolean runbookLinked,
                                    boolean testsGating, boolean productionApprovals, int recentFailures, int recentFailuresWithReview,
                                    List<String> failuresWithoutReview, Instant lastDeployment) {
        public int checksPassed() {
            return (rollbackDeclared ? 1 : 0) + (rollbackRehearsed ? 1 : 0) + (runbookLinked ? 1 : 0) + (testsGating ? 1 : 0)
                    + (productionApprovals ? 1 : 0) + (recentFailures == recentFailuresWithReview ? 1 : 0);
        }

        public static int checks() {
            return 6;
        }

        public boolean ready() {
            return checksPassed() == checks();
        }
    }

    private static final class State {
        ChangeRecord latest;
        Instant lastExercised;
        boolean approvals;
        int recentFailures;
        int reviewed;
        final List<String> unreviewed = new ArrayList<>();
    }

    private final Instant now;
    private final String productionEnvironment;
    private final java.util.Set<String> reviewed;
    private final java.util.Set<String> causedIncident;
    private final Map<String, State> pipelines = new TreeMap<>();

    /**
     * @param productionEnvironment the environment whose deployments need approvals (e.g. "production")
     */
    public Readiness(Instant now, String productionEnvironment) {
        this(now, productionEnvironment, java.util.Set.of(), java.util.Set.of());
    }

    /**
     * @param reviewed the ids of deployments with a post-incident review in the store (besides records with a {@code pirUrl})
     * @param causedIncident the ids of deployments an incident is linked to: they count as failures that need a review
     */
    public Readiness(Instant now, String productionEnvironment, java.util.Set<String> reviewed, java.util.Set<String> causedIncident) {
        this.now = now;
        this.productionEnvironment = productionEnvironment;
        this.reviewed = reviewed;
        this.causedIncident = causedIncident;
    }

    /**
     * The readiness of every pipeline in a selection of a store's records, from what the store
     * computes without reading every record ({@link io.riskgate.records.ChangeRecordStore#activity}),
     * corrected by the incidents and reviews: see {@link #of(io.riskgate.records.ChangeRecordStore,
     * io.riskgate.records.RecordQuery, Instant, String, java.util.Collection, java.util.Set)}.
     */
    public static List<PipelineReadiness> of(io.riskgate.records.ChangeRecordStore store, io.riskgate.records.RecordQuery query,
                                             Instant now, String productionEnvironment) {
        io.riskgate.records.IncidentStore incidents;
        try {
            incidents = store.incidents();
        } catch (UnsupportedOperationException e) {
            return of(store, query, now, productionEnvironment, List.of(), java.util.Set.of());
        }
        return of(store, query, now, productionEnvironment, records(store, incidents.linkedDeployments(query)),
                incidents.reviewedWithoutUrl(query));
    }

    /** The records with these ids (that still exist). */
    public static List<ChangeRecord> records(io.riskgate.records.ChangeRecordStore store, java.util.Collection<String> ids) {
        List<ChangeRecord> found = new ArrayList<>();
        for (String id : new java.util.TreeSet<>(ids)) {
            store.find(id).ifPresent(found::add);
        }
        return found;
    }

    /**
     * The readiness from the store's activity, where a record's outcome alone makes it a failure and
     * its {@code pirUrl} alone makes it reviewed, corrected to what {@link #Readiness(Instant, String,
     * java.util.Set, java.util.Set)} computes from every record: the successful ones of
     * {@code causedIncident} are recent failures too (reviewed with a {@code pirUrl} or a review), and
     * the recent failures in {@code reviewedWithoutUrl} are reviewed. Both sets are bounded by the
     * number of incidents and reviews.
     *
     * @param causedIncident the selection's records an incident is linked to
     * @param reviewedWithoutUrl ids of the selection's records with a review in the review table and no {@code pirUrl}
     */
    public static List<PipelineReadiness> of(io.riskgate.records.ChangeRecordStore store, io.riskgate.records.RecordQuery query,
                                             Instant now, String productionEnvironment, java.util.Collection<ChangeRecord> causedIncident,
                                             java.util.Set<String> reviewedWithoutUrl) {
        Instant recent = now.minus(RECENT);
        Map<String, long[]> extra = new TreeMap<>();   // per pipeline: failures, reviewed
        Map<String, List<ChangeRecord>> extraUnreviewed = new TreeMap<>();
        for (ChangeRecord r : causedIncident) {
            if (r.outcome().failure() || r.finishedAt().isBefore(recent)) {
                continue;
            }
            long[] e = extra.computeIfAbsent(r.pipeline(), p -> new long[2]);
            e[0]++;
            if (r.pirUrl() != null || reviewedWithoutUrl.contains(r.id())) {
                e[1]++;
            } else {
                extraUnreviewed.computeIfAbsent(r.pipeline(), p -> new ArrayList<>()).add(r);
            }
        }
        java.util.Set<String> reviewedFailures = new java.util.HashSet<>();
        if (!reviewedWithoutUrl.isEmpty()) {
            for (ChangeRecord r : records(store, reviewedWithoutUrl)) {
                if (r.outcome().failure() && !r.finishedAt().isBefore(recent) && r.pirUrl() == null) {
                    extra.computeIfAbsent(r.pipeline(), p -> new long[2])[1]++;
                    reviewedFailures.add(r.id());
                }
            }
        }
        java.util.Comparator<ChangeRecord> order = java.util.Comparator.comparing(ChangeRecord::finishedAt).thenComparing(ChangeRecord::id);
        List<PipelineReadiness> result = new ArrayList<>();
        for (io.riskgate.records.ChangeRecordStore.PipelineActivity a : store.activity(query, now.minus(REHEARSAL_MAX_AGE),
                recent, productionEnvironment, EXAMPLES + reviewedFailures.size())) {
            ChangeRecord l = a.latest();
            long[] e = extra.getOrDefault(a.pipeline(), new long[2]);
            List<ChangeRecord> unreviewed = new ArrayList<>(a.unreviewed());
            unreviewed.removeIf(r -> reviewedFailures.contains(r.id()));
            unreviewed.addAll(extraUnreviewed.getOrDefault(a.pipeline(), List.of()));
            unreviewed.sort(order);
            result.add(new PipelineReadiness(a.pipeline(), l.rollbackCommand() != null || l.runbookUrl() != null, a.rollbackExercised(),
                    l.runbookUrl() != null, l.testsTotal() != null && l.testsTotal() > 0, a.productionApprovals(),
                    (int) (a.recentFailures() + e[0]), (int) (a.recentReviewed() + e[1]),
                    unreviewed.stream().limit(EXAMPLES).map(Readiness::describe).toList(), l.finishedAt()));
        }
        return result;
    }

    /** How many recent failures without a review a pipeline's readiness names. */
    static final int EXAMPLES = 10;

    private static String describe(ChangeRecord r) {
        return r.environment() + " " + r.commit().substring(0, Math.min(10, r.commit().length())) + " at " + r.finishedAt();
    }

    /** Records must arrive oldest first. */
    public void add(ChangeRecord r) {
        State s = pipelines.computeIfAbsent(r.pipeline(), p -> new State());
        s.latest = r;
        Instant exercised = r.outcome() == io.riskgate.records.Outcome.ROLLED_BACK ? r.finishedAt() : r.rollbackExercisedAt();
        if (exercised != null && (s.lastExercised == null || exercised.isAfter(s.lastExercised))) {
            s.lastExercised = exercised;
        }
        if (r.environment().equalsIgnoreCase(productionEnvironment) && r.approvals() != null && !r.approvals().isBlank()) {
            s.approvals = true;
        }
        if ((r.outcome().failure() || causedIncident.contains(r.id())) && !r.finishedAt().isBefore(now.minus(RECENT))) {
            s.recentFailures++;
            if (r.pirUrl() != null || reviewed.contains(r.id())) {
                s.reviewed++;
            } else if (s.unreviewed.size() < EXAMPLES) {
                s.unreviewed.add(describe(r));
            }
        }
    }

    public List<PipelineReadiness> pipelines() {
        List<PipelineReadiness> result = new ArrayList<>();
        pipelines.forEach((name, s) -> {
            ChangeRecord l = s.latest;
            result.add(new PipelineReadiness(name, l.rollbackCommand() != null || l.runbookUrl() != null,
                    s.lastExercised != null && !s.lastExercised.isBefore(now.minus(REHEARSAL_MAX_AGE)), l.runbookUrl() != null,
                    l.testsTotal() != null && l.testsTotal() > 0, s.approvals, s.recentFailures, s.reviewed, List.copyOf(s.unreviewed),
                    l.finishedAt()));
        });
        return result;
    }
}
