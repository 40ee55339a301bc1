package io.riskgate.learning;

import io.riskgate.RiskGateException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which columns of a history CSV hold what: the outcome, the time, the change metrics (by their
 * {@link io.riskgate.risk.ChangeMetrics} names) and extra numeric features. The defaults read the
 * change records' own export: {@code outcome}, {@code finishedAt}, metric columns named like the
 * metrics, and {@code riskScore} as the default score when there are no metric columns.
 *
 * @param outcome the outcome column (true/false, 1/0, yes/no, or FAILED/ROLLED_BACK vs SUCCEEDED)
 * @param time the time column (epoch seconds or milliseconds, or ISO-8601)
 * @param metrics metric name to column; metrics not given are looked up by name in the header
 * @param features extra numeric feature columns for the learned model
 */
public record HistoryColumns(String outcome, String time, Map<String, String> metrics, List<String> features) {
    public static final String DEFAULT_OUTCOME = "outcome";
    public static final String DEFAULT_TIME = "finishedAt";
    public static final String RISK_SCORE = "riskScore";
    /** The metrics a history can map, in the order of {@link io.riskgate.risk.ChangeMetrics}. */
    public static final List<String> METRICS = List.of("linesAdded", "linesDeleted", "files", "directories", "subsystems",
            "entropy", "commits", "authors");

    public HistoryColumns {
        outcome = outcome == null ? DEFAULT_OUTCOME : outcome;
        time = time == null ? DEFAULT_TIME : time;
        metrics = Map.copyOf(metrics == null ? Map.of() : metrics);
        features = List.copyOf(features == null ? List.of() : features);
        for (String metric : metrics.keySet()) {
            if (!METRICS.contains(metric)) {
                throw new RiskGateException("unknown metric '" + metric + "' in --map " + metric + "=" + metrics.get(metric)
                        + ": use one of " + String.join(", ", METRICS));
            }
        }
    }

    /** The change records' export: every column by its default name. */
    public static HistoryColumns defaults() {
        return new HistoryColumns(null, null, Map.of(), List.of());
    }

    /** Metric name to column: the mapped ones, and the others found by name (ignoring case) in the header. */
    Map<String, String> resolveMetrics(List<String> header) {
        Map<String, String> resolved = new LinkedHashMap<>();
        for (String metric : METRICS) {
            String column = metrics.get(metric);
            if (column == null) {
                column = header.stream().filter(h -> h.equalsIgnoreCase(metric)
                        && !h.equals(outcome) && !h.equals(time) && !features.contains(h)).findFirst().orElse(null);
            }
            if (column != null) {
                resolved.put(metric, column);
            }
        }
        return resolved;
    }
}
