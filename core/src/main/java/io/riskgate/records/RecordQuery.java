package io.riskgate.records;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which records: by environment, pipeline, a window of finish times ({@code since} inclusive,
 * {@code until} exclusive), outcome and risk level; null means any. {@code pipelines} narrows the
 * records to a set of pipeline names (a person's visible pipelines, see {@link Visibility}): null
 * means any pipeline, an empty set none.
 */
public record RecordQuery(String environment, String pipeline, Instant since, Instant until, Outcome outcome, String riskLevel,
                          SortedSet<String> pipelines) {
    public static final RecordQuery ALL = new RecordQuery(null, null, null, null);

    public RecordQuery(String environment, String pipeline, Instant since, Instant until) {
        this(environment, pipeline, since, until, null, null);
    }

    public RecordQuery(String environment, String pipeline, Instant since, Instant until, Outcome outcome, String riskLevel) {
        this(environment, pipeline, since, until, outcome, riskLevel, null);
    }

    public RecordQuery {
        if (since != null && until != null && !until.isAfter(since)) {
            throw new io.riskgate.RiskGateException("the window is empty: --until (" + until + ") must be after --since (" + since + ")");
        }
        pipelines = pipelines == null ? null : Collections.unmodifiableSortedSet(new TreeSet<>(pipelines));
    }

    /** This query narrowed to the pipelines named (null: no narrowing). */
    public RecordQuery withPipelines(Collection<String> names) {
        return new RecordQuery(environment, pipeline, since, until, outcome, riskLevel, names == null ? null : new TreeSet<>(names));
    }

    /** The job, environment and pipelines of this query, with its dates but without its outcome and level filters. */
    public RecordQuery window() {
        return new RecordQuery(environment, pipeline, since, until, null, null, pipelines);
    }

    /** The job, environment and pipelines of this query, at any time. */
    public RecordQuery anyTime() {
        return new RecordQuery(environment, pipeline, null, null, null, null, pipelines);
    }

    /** Whether this query selects no record at all whatever the store holds (an empty set of pipelines). */
    public boolean selectsNothing() {
        return pipelines != null && (pipelines.isEmpty() || pipeline != null && !pipelines.contains(pipeline));
    }
}
