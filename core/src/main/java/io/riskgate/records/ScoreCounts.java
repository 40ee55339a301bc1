package io.riskgate.records;

import java.util.List;

/**
 * The counts calibration needs: deployments and failures per risk score (0..100) and per risk level
 * (LOW, MEDIUM, HIGH, CRITICAL), and the records without a score. A record with a score but another
 * level name counts for its score only; a record without a score counts as unscored only.
 *
 * @param succeededAt successful deployments per score, 101 entries
 * @param failedAt failed or rolled-back deployments per score, 101 entries
 * @param levels per level of {@link #LEVELS}: {deployments, failures}
 */
public record ScoreCounts(long[] succeededAt, long[] failedAt, long[][] levels, long unscored) {
    public static final List<String> LEVELS = DayAggregate.LEVELS;
}
