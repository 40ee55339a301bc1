package io.riskgate.records;

import java.time.Instant;

/**
 * Which records: by environment, pipeline, a window of finish times ({@code since} inclusive,
 * {@code until} exclusive), outcome and risk level; null means any.
 */
public record RecordQuery(String environment, String pipeline, Instant since, Instant until, Outcome outcome, String riskLevel) {
    public static final RecordQuery ALL = new RecordQuery(null, null, null, null);

    public RecordQuery(String environment, String pipeline, Instant since, Instant until) {
        this(environment, pipeline, since, until, null, null);
    }

    public RecordQuery {
        if (since != null && until != null && !until.isAfter(since)) {
            throw new io.riskgate.RiskGateException("the window is empty: --until (" + until + ") must be after --since (" + since + ")");
        }
    }
}
