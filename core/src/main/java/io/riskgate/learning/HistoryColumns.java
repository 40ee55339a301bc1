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
    /**
     * The metrics a history can map: the size and spread of {@link io.riskgate.risk.ChangeMetrics}, then
     * its history measures ({@link io.riskgate.git.HistoryMeasures}) from {@link #FIRST_HISTORY_METRIC} on.
     */
    public static final List<String> METRICS = List.of("linesAdded", "linesDeleted", "files", "directories", "subsystems",
            "entropy", "commits", "authors", "developers", "age", "priorChanges", "authorExperience", "recentExperience",
            "subsystemExperience", "fix");
    /** The index in {@link #METRICS} of the first history measure. */
    public static final int FIRST_HISTORY_METRIC = 8;
    /**
     * Column names that stand for a metric when no column has the metric's own name: Kamei et al.'s
     * and ApacheJIT's ({@code la, ld, nf, nd, ns, ent, ndev, age, nuc, exp/aexp, rexp/arexp, sexp/asexp, fix}), and
     * the names of the JiTReliability data sets ({@code nm} for the directories, {@code pd} for the age,
     * {@code npt} for the prior changes).
     */
    public static final Map<String, List<String>> ALIASES = aliases();

    private static Map<String, List<String>> aliases() {
        Map<String, List<String>> a = new LinkedHashMap<>();
        a.put("linesAdded", List.of("la"));
        a.put("linesDeleted", List.of("ld"));
        a.put("files", List.of("nf"));
        a.put("directories", List.of("nd", "nm"));
        a.put("subsystems", List.of("ns"));
        a.put("entropy", List.of("ent", "entrophy", "entropy_bits"));
        a.put("developers", List.of("ndev"));
        a.put("age", List.of("pd"));
        a.put("priorChanges", List.of("nuc", "npt"));
        a.put("authorExperience", List.of("aexp", "exp"));
        a.put("recentExperience", List.of("arexp", "rexp"));
        a.put("subsystemExperience", List.of("asexp", "sexp"));
        return java.util.Collections.unmodifiableMap(a);
    }

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

    /**
     * Metric name to column: the mapped ones, and the others found in the header (ignoring case) by
     * their own name, else by an {@link #ALIASES alias}; a column that is the outcome, the time, a
     * {@code --feature} or already mapped is not taken.
     */
    Map<String, String> resolveMetrics(List<String> header) {
        Map<String, String> resolved = new LinkedHashMap<>();
        java.util.Set<String> taken = new java.util.HashSet<>(metrics.values());
        for (String metric : METRICS) {
            String column = metrics.get(metric);
            if (column == null) {
                List<String> names = new java.util.ArrayList<>(List.of(metric));
                names.addAll(ALIASES.getOrDefault(metric, List.of()));
                for (int n = 0; n < names.size() && column == null; n++) {
                    String name = names.get(n);
                    column = header.stream().filter(h -> h.equalsIgnoreCase(name) && !taken.contains(h)
                            && !h.equals(outcome) && !h.equals(time) && !features.contains(h)).findFirst().orElse(null);
                }
            }
            if (column != null) {
                resolved.put(metric, column);
                taken.add(column);
            }
        }
        return resolved;
    }
}
