package io.riskgate.records;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where change records live. Writes are transactional and idempotent by id; reads stream, so no
 * report holds all records in memory. Implementations: {@link JdbcChangeRecordStore} over embedded
 * H2 (the default) or PostgreSQL.
 */
public interface ChangeRecordStore extends AutoCloseable {
    /** Inserts the record, or replaces the one with the same id. */
    void save(ChangeRecord record);

    /** Saves all records in one transaction: all or none. Returns how many were written. */
    int saveAll(Collection<ChangeRecord> records);

    /**
     * Saves all records in one transaction, all or none, and says what changed: records new to the
     * store, stored ones replaced by a changed version, and ones already stored as given (not rewritten).
     */
    Saved write(Collection<ChangeRecord> records);

    /** What a write did to the store. */
    record Saved(int added, int replaced, int unchanged) {
        public int total() {
            return added + replaced + unchanged;
        }
    }

    Optional<ChangeRecord> find(String id);

    long count(RecordQuery query);

    /** A page of records, newest first (by finish time, then id). */
    List<ChangeRecord> page(RecordQuery query, int offset, int limit);

    /** Every matching record, oldest first, streamed. */
    void forEach(RecordQuery query, Consumer<ChangeRecord> consumer);

    /** The DORA metrics of the matching records, computed in the database. */
    DoraMetrics dora(RecordQuery query);

    /** Deployments, failures and median lead time per bucket of finish times, oldest first, computed in the database. */
    List<TrendPoint> trend(RecordQuery query, java.time.Duration bucket);

    /** The incidents and post-incident reviews kept with these records. */
    /**
     * The environments, in name order and at most {@code limit}, where the query's pipelines have a deployment that finished in
     * its window. This default reads the window's records; stores with aggregates answer from them.
     */
    default java.util.SortedSet<String> environments(RecordQuery query, int limit) {
        java.util.TreeSet<String> environments = new java.util.TreeSet<>();
        forEach(query.window(), r -> environments.add(r.environment()));
        while (environments.size() > limit) {
            environments.pollLast();
        }
        return environments;
    }

    default IncidentStore incidents() {
        throw new UnsupportedOperationException("this record store keeps no incidents");
    }

    /** The calibration counts of the matching records (per score, per level, unscored). */
    default ScoreCounts scores(RecordQuery query) {
        long[] succeeded = new long[101];
        long[] failed = new long[101];
        long[][] levels = new long[ScoreCounts.LEVELS.size()][2];
        long[] unscored = {0};
        forEach(query, r -> {
            if (r.riskScore() == null) {
                unscored[0]++;
                return;
            }
            (r.outcome().failure() ? failed : succeeded)[r.riskScore()]++;
            int level = r.riskLevel() == null ? -1 : ScoreCounts.LEVELS.indexOf(r.riskLevel());
            if (level >= 0) {
                levels[level][0]++;
                if (r.outcome().failure()) {
                    levels[level][1]++;
                }
            }
        });
        return new ScoreCounts(succeeded, failed, levels, unscored[0]);
    }

    /**
     * What readiness needs to know of each pipeline with records in the selection.
     *
     * @param exercisedSince a rollback ran ({@code ROLLED_BACK}) or was rehearsed at or after this time
     * @param failuresSince failures finished at or after this time are recent
     * @param productionEnvironment the environment whose deployments should record approvals (any case)
     * @param examples how many recent failures without a review to list, oldest first
     */
    default List<PipelineActivity> activity(RecordQuery query, java.time.Instant exercisedSince, java.time.Instant failuresSince,
                                            String productionEnvironment, int examples) {
        java.util.Map<String, Object[]> pipelines = new java.util.TreeMap<>();
        forEach(query, r -> {
            // latest, exercised, approvals, recent failures, reviewed, unreviewed examples
            Object[] s = pipelines.computeIfAbsent(r.pipeline(), p -> new Object[] {null, false, false, 0L, 0L, new java.util.ArrayList<ChangeRecord>()});
            s[0] = r;
            java.time.Instant exercised = r.outcome() == Outcome.ROLLED_BACK ? r.finishedAt() : r.rollbackExercisedAt();
            if (exercised != null && !exercised.isBefore(exercisedSince)) {
                s[1] = true;
            }
            if (r.environment().equalsIgnoreCase(productionEnvironment) && r.approvals() != null && !r.approvals().isBlank()) {
                s[2] = true;
            }
            if (r.outcome().failure() && !r.finishedAt().isBefore(failuresSince)) {
                s[3] = (Long) s[3] + 1;
                if (r.pirUrl() != null) {
                    s[4] = (Long) s[4] + 1;
                } else {
                    @SuppressWarnings("unchecked")
                    List<ChangeRecord> unreviewed = (List<ChangeRecord>) s[5];
                    if (unreviewed.size() < examples) {
                        unreviewed.add(r);
                    }
                }
            }
        });
        List<PipelineActivity> result = new java.util.ArrayList<>();
        pipelines.forEach((name, s) -> {
            @SuppressWarnings("unchecked")
            List<ChangeRecord> unreviewed = (List<ChangeRecord>) s[5];
            result.add(new PipelineActivity(name, (ChangeRecord) s[0], (Boolean) s[1], (Boolean) s[2], (Long) s[3], (Long) s[4],
                    List.copyOf(unreviewed)));
        });
        return result;
    }

    /**
     * One pipeline's records in a selection, as readiness sees them.
     *
     * @param latest its newest record (by finish time, then id)
     * @param rollbackExercised whether a rollback ran or was rehearsed since the cut-off
     * @param productionApprovals whether a deployment to the production environment recorded approvals
     * @param recentFailures failures since the cut-off
     * @param recentReviewed of those, the ones linking a post-incident review
     * @param unreviewed the first of the others, oldest first
     */
    record PipelineActivity(String pipeline, ChangeRecord latest, boolean rollbackExercised, boolean productionApprovals,
                            long recentFailures, long recentReviewed, List<ChangeRecord> unreviewed) {
    }

    /** Where the records are, for messages (a path or a JDBC URL without credentials). */
    String location();

    @Override
    void close();
}
