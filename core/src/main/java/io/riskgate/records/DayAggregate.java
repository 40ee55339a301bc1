package io.riskgate.records;

import java.util.List;
import java.util.Objects;

/**
 * What the records of one pipeline, environment and day (or of any set of records) add up to: the
 * counts the reports need and the histograms of lead times and times to restore. Additive: a record's
 * contribution is added when it is written and subtracted when it is replaced, so the stored sums stay
 * equal to a recomputation from the records (schema V4, docs/metrics.md).
 */
final class DayAggregate {
    /** The risk levels counted apart for calibration, in order. */
    static final List<String> LEVELS = List.of("LOW", "MEDIUM", "HIGH", "CRITICAL");
    /** Keys of {@link #scores}: score * 2 + failed for scores 0..100; LEVEL_KEY + level * 2 + failed for the levels. */
    static final int LEVEL_KEY = 1000;

    long deployments;
    long successful;
    long rolledBack;
    long unscored;
    /** Records whose approvals are not blank. */
    long approved;
    /** Failures that link a post-incident review. */
    long reviewed;
    /** Successful deployments with a commit time: milliseconds from commit to finish. */
    final TimeHistogram leadTimes;
    /** Failures restored by a later success of the same pipeline and environment: milliseconds until then. */
    final TimeHistogram restoreTimes;
    final TimeHistogram scores;

    DayAggregate() {
        this(new TimeHistogram(), new TimeHistogram(), new TimeHistogram());
    }

    DayAggregate(TimeHistogram leadTimes, TimeHistogram restoreTimes, TimeHistogram scores) {
        this.leadTimes = leadTimes;
        this.restoreTimes = restoreTimes;
        this.scores = scores;
    }

    /** What the aggregates need of one record; {@code restoredAt} is the finish of the success that restored a failure, or null. */
    record Facts(String pipeline, String environment, long finished, Outcome outcome, Long commitTime, Long restoredAt, Integer score,
                 String level, boolean approved, boolean reviewed) {
        static Facts of(ChangeRecord r, Long restoredAt) {
            return new Facts(r.pipeline(), r.environment(), r.finishedAt().toEpochMilli(), r.outcome(),
                    r.commitTime() == null ? null : r.commitTime().toEpochMilli(), restoredAt, r.riskScore(), r.riskLevel(),
                    r.approvals() != null && !r.approvals().isBlank(), r.outcome().failure() && r.pirUrl() != null);
        }
    }

    /** Adds ({@code sign} 1) or subtracts ({@code sign} -1) one record. */
    void add(Facts f, int sign) {
        deployments += sign;
        if (f.outcome() == Outcome.SUCCEEDED) {
            successful += sign;
            if (f.commitTime() != null) {
                leadTimes.add(f.finished() - f.commitTime(), sign);
            }
        } else {
            if (f.outcome() == Outcome.ROLLED_BACK) {
                rolledBack += sign;
            }
            if (f.restoredAt() != null) {
                restoreTimes.add(f.restoredAt() - f.finished(), sign);
            }
        }
        if (f.approved()) {
            approved += sign;
        }
        if (f.reviewed()) {
            reviewed += sign;
        }
        int failed = f.outcome().failure() ? 1 : 0;
        if (f.score() == null) {
            unscored += sign;
        } else {
            scores.addBucket(f.score() * 2 + failed, sign);
            int level = f.level() == null ? -1 : LEVELS.indexOf(f.level());
            if (level >= 0) {
                scores.addBucket(LEVEL_KEY + level * 2 + failed, sign);
            }
        }
    }

    void merge(DayAggregate other) {
        deployments += other.deployments;
        successful += other.successful;
        rolledBack += other.rolledBack;
        unscored += other.unscored;
        approved += other.approved;
        reviewed += other.reviewed;
        leadTimes.merge(other.leadTimes, 1);
        restoreTimes.merge(other.restoreTimes, 1);
        scores.merge(other.scores, 1);
    }

    long failures() {
        return deployments - successful;
    }

    /** Nothing counted: the row can go. */
    boolean isEmpty() {
        return deployments == 0 && successful == 0 && rolledBack == 0 && unscored == 0 && approved == 0 && reviewed == 0
                && leadTimes.isEmpty() && restoreTimes.isEmpty() && scores.isEmpty();
    }

    /** The calibration counts: per score, per level, and the records without a score. */
    ScoreCounts scoreCounts() {
        long[] succeeded = new long[101];
        long[] failed = new long[101];
        long[][] levels = new long[LEVELS.size()][2];
        scores.forEach((key, count) -> {
            if (key < LEVEL_KEY) {
                (key % 2 == 1 ? failed : succeeded)[key / 2] += count;
            } else {
                int level = (key - LEVEL_KEY) / 2;
                levels[level][0] += count;
                if ((key - LEVEL_KEY) % 2 == 1) {
                    levels[level][1] += count;
                }
            }
        });
        return new ScoreCounts(succeeded, failed, levels, unscored);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DayAggregate a && deployments == a.deployments && successful == a.successful && rolledBack == a.rolledBack
                && unscored == a.unscored && approved == a.approved && reviewed == a.reviewed && leadTimes.equals(a.leadTimes)
                && restoreTimes.equals(a.restoreTimes) && scores.equals(a.scores);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deployments, successful, rolledBack, unscored, approved, reviewed, leadTimes, restoreTimes, scores);
    }

    @Override
    public String toString() {
        return "deployments " + deployments + ", successful " + successful + ", rolled back " + rolledBack + ", unscored " + unscored
                + ", approved " + approved + ", reviewed " + reviewed + ", lead " + leadTimes + ", restore " + restoreTimes
                + ", scores " + scores;
    }
}
