package io.riskgate.metrics;

import io.riskgate.records.ChangeRecord;
import java.util.EnumMap;
import java.util.Map;

/**
 * Does the risk score predict failures? Change failure rate per risk level, and the AUC of the
 * score against outcomes (0.5: no better than chance, 1: perfect), from a histogram of the 101
 * possible scores, so any number of records fits in constant memory.
 */
public final class Calibration {
    /** Deployments and failures of one level. */
    public record LevelRow(String level, long deployments, long failures) {
        public Double changeFailureRate() {
            return deployments == 0 ? null : (double) failures / deployments;
        }
    }

    private final long[] failedAt = new long[101];
    private final long[] succeededAt = new long[101];
    private final Map<io.riskgate.risk.Level, long[]> byLevel = new EnumMap<>(io.riskgate.risk.Level.class);
    private long unscored;
    private final java.util.Set<String> causedIncident;

    /** Failed and rolled-back deployments are the failures. */
    public Calibration() {
        this(java.util.Set.of());
    }

    /** @param causedIncident deployments an incident is linked to: failures too */
    public Calibration(java.util.Set<String> causedIncident) {
        this.causedIncident = causedIncident;
    }

    /** The calibration of counts a record store computed ({@link io.riskgate.records.ChangeRecordStore#scores}). */
    public static Calibration of(io.riskgate.records.ScoreCounts counts) {
        return of(counts, java.util.List.of());
    }

    /**
     * As {@link #of(io.riskgate.records.ScoreCounts)}, where the counts take only outcomes as failures,
     * and these records (of the same selection) are failures too: a successful one among them moves
     * from its score's successes to its failures and counts as a failure of its level. There are at
     * most as many as incidents, so this is exactly what {@link #Calibration(java.util.Set)} computes
     * from every record.
     */
    public static Calibration of(io.riskgate.records.ScoreCounts counts, java.util.Collection<ChangeRecord> causedIncident) {
        long[] succeeded = counts.succeededAt().clone();
        long[] failed = counts.failedAt().clone();
        long[][] levels = new long[counts.levels().length][];
        for (int l = 0; l < levels.length; l++) {
            levels[l] = counts.levels()[l].clone();
        }
        for (ChangeRecord r : causedIncident) {
            if (r.outcome().failure() || r.riskScore() == null) {
                continue;
            }
            succeeded[r.riskScore()]--;
            failed[r.riskScore()]++;
            int level = r.riskLevel() == null ? -1 : io.riskgate.records.ScoreCounts.LEVELS.indexOf(r.riskLevel());
            if (level >= 0) {
                levels[level][1]++;
            }
        }
        counts = new io.riskgate.records.ScoreCounts(succeeded, failed, levels, counts.unscored());
        Calibration c = new Calibration();
        for (int s = 0; s <= 100; s++) {
            c.failedAt[s] = counts.failedAt()[s];
            c.succeededAt[s] = counts.succeededAt()[s];
        }
        for (int l = 0; l < counts.levels().length; l++) {
            if (counts.levels()[l][0] != 0) {
                c.byLevel.put(io.riskgate.risk.Level.valueOf(io.riskgate.records.ScoreCounts.LEVELS.get(l)), counts.levels()[l].clone());
            }
        }
        c.unscored = counts.unscored();
        return c;
    }

    public void add(ChangeRecord r) {
        if (r.riskScore() == null) {
            unscored++;
            return;
        }
        boolean failed = r.outcome().failure() || causedIncident.contains(r.id());
        (failed ? failedAt : succeededAt)[r.riskScore()]++;
        if (r.riskLevel() != null) {
            try {
                long[] counts = byLevel.computeIfAbsent(io.riskgate.risk.Level.valueOf(r.riskLevel()), l -> new long[2]);
                counts[0]++;
                if (failed) {
                    counts[1]++;
                }
            } catch (IllegalArgumentException ignored) {
                // an unknown level name counts for the AUC only
            }
        }
    }

    public java.util.List<LevelRow> levels() {
        return java.util.Arrays.stream(io.riskgate.risk.Level.values())
                .map(l -> new LevelRow(l.name(), byLevel.getOrDefault(l, new long[2])[0], byLevel.getOrDefault(l, new long[2])[1]))
                .toList();
    }

    public long unscored() {
        return unscored;
    }

    /** Probability that a failed deployment scored higher than a successful one (ties count half); null without both kinds. */
    public Double auc() {
        long failures = 0;
        long successes = 0;
        for (int s = 0; s <= 100; s++) {
            failures += failedAt[s];
            successes += succeededAt[s];
        }
        if (failures == 0 || successes == 0) {
            return null;
        }
        double wins = 0;
        long successesBelow = 0;
        for (int s = 0; s <= 100; s++) {
            wins += failedAt[s] * (successesBelow + succeededAt[s] / 2.0);
            successesBelow += succeededAt[s];
        }
        return wins / ((double) failures * successes);
    }
}
