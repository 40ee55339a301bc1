package io.riskgate.records;

import java.time.Instant;

/** One bucket of a trend: deployments and failures finished in [start, start + bucket), and the median lead time of its successes. */
public record TrendPoint(Instant start, long deployments, long failures, Double leadTimeMedian) {
    public Double changeFailureRate() {
        return deployments == 0 ? null : (double) failures / deployments;
    }
}
