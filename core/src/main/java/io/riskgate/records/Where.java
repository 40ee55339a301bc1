package io.riskgate.records;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The WHERE clause of a {@link RecordQuery} over change records (by finish time) or incidents (by start time), and the values
 * to bind, in one place for both stores. Column names may carry a table alias ({@code "r."}).
 */
final class Where {
    /** The clause, empty or starting with {@code " WHERE "}. */
    final String sql;
    /** The values its parameters take, in order. */
    final List<Object> values;

    private Where(String sql, List<Object> values) {
        this.sql = sql;
        this.values = List.copyOf(values);
    }

    /** Over change records: the query's pipeline, environment and visible pipelines, and with {@code window} its times, outcome and level. */
    static Where of(RecordQuery q, boolean window) {
        return of(q, window, "");
    }

    /** {@link #of(RecordQuery, boolean)} with column names prefixed by a table alias. */
    static Where of(RecordQuery q, boolean window, String alias) {
        return build(q, alias, window ? "finished_at" : null, window);
    }

    /** Over change records, the whole query (times, outcome and level included). */
    static Where records(RecordQuery q, String alias) {
        return build(q, alias, "finished_at", true);
    }

    /** Over incidents: the query's pipeline, environment, visible pipelines and window of start times. */
    static Where incidents(RecordQuery q, String alias) {
        return build(q, alias, "started_at", false);
    }

    private static Where build(RecordQuery q, String alias, String time, boolean outcomes) {
        List<String> parts = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (q.environment() != null) {
            parts.add(alias + "environment = ?");
            values.add(q.environment());
        }
        if (q.pipeline() != null) {
            parts.add(alias + "pipeline = ?");
            values.add(q.pipeline());
        }
        if (q.pipelines() != null) {
            // a person's visible pipelines: one bound value per name; none visible selects nothing
            parts.add(q.pipelines().isEmpty() ? "1 = 0"
                    : alias + "pipeline IN (" + String.join(", ", Collections.nCopies(q.pipelines().size(), "?")) + ")");
            values.addAll(q.pipelines());
        }
        if (time != null && q.since() != null) {
            parts.add(alias + time + " >= ?");
            values.add(q.since().toEpochMilli());
        }
        if (time != null && q.until() != null) {
            parts.add(alias + time + " < ?");
            values.add(q.until().toEpochMilli());
        }
        if (outcomes && q.outcome() != null) {
            parts.add(alias + "outcome = ?");
            values.add(q.outcome().name());
        }
        if (outcomes && q.riskLevel() != null) {
            parts.add(alias + "risk_level = ?");
            values.add(q.riskLevel());
        }
        return new Where(parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts), values);
    }

    /**
     * The columns an ORDER BY puts before {@code finished_at} so that the database reads the index of the
     * query's pipeline and environment in finish-time order (and stops at a LIMIT) instead of sorting
     * every matching row; empty for a set of visible pipelines and for no filter (the finish-time index).
     *
     * @param direction {@code ""} or {@code " DESC"}
     */
    static String finishOrderPrefix(RecordQuery query, String alias, String direction) {
        if (query.pipelines() != null) {
            return "";
        }
        if (query.pipeline() != null && query.environment() != null) {
            return alias + "pipeline" + direction + ", " + alias + "environment" + direction + ", ";
        }
        if (query.pipeline() != null) {
            return alias + "pipeline" + direction + ", ";
        }
        return query.environment() != null ? alias + "environment" + direction + ", " : "";
    }

    /** This clause with one more condition. */
    String and(String condition) {
        return sql.isEmpty() ? " WHERE " + condition : sql + " AND " + condition;
    }

    /** Binds the values from parameter {@code from} on; returns the next parameter's index. */
    int bind(PreparedStatement p, int from) throws SQLException {
        return bindAll(p, values, from);
    }

    /** Binds longs as longs and everything else as strings, from parameter {@code from} on. */
    static int bindAll(PreparedStatement p, List<Object> values, int from) throws SQLException {
        int i = from;
        for (Object v : values) {
            if (v instanceof Long l) {
                p.setLong(i++, l);
            } else {
                p.setString(i++, (String) v);
            }
        }
        return i;
    }
}
