package io.riskgate.records;

import java.time.Instant;

/**
 * The four DORA metrics of a set of deployments (see docs/metrics.md for the definitions).
 *
 * @param windowDays the length of the window in days (at least 1 when derived from the data)
 * @param deploymentFrequency successful deployments per day over the window
 * @param leadTimeMedian median seconds from commit to successful deployment, or null without data
 * @param leadTimeP90 90th percentile (nearest rank) of the same, or null
 * @param timeToRestoreMedian median seconds from a failed deployment to the next successful one of the
 *                            same pipeline and environment, or null when no failure was restored
 * @param changeFailureRate FAILED and ROLLED_BACK over all deployments, or null without deployments
 */
public record DoraMetrics(long deployments, long successful, long failures, Instant since, Instant until, double windowDays,
                          double deploymentFrequency, Double leadTimeMedian, Double leadTimeP90, Double timeToRestoreMedian,
                          Double changeFailureRate) {
}
