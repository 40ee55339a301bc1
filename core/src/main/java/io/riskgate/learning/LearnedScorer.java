package io.riskgate.learning;

import io.riskgate.RiskGateException;
import io.riskgate.git.Change;
import io.riskgate.git.HistoryMeasures;
import io.riskgate.risk.ChangeAnalysis;
import io.riskgate.risk.ChangeMetrics;
import io.riskgate.risk.ChangeScorer;
import io.riskgate.risk.Factor;
import io.riskgate.risk.RiskAssessment;
import io.riskgate.risk.RiskScorer;
import io.riskgate.risk.ScoringRules;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores a change with a {@link LearnedModel} over its size and spread, and explains every point.
 *
 * <p>The size part of the score is the model's chance of failure in percent, {@code round(100 p)},
 * split into factors that add up to it exactly:
 * <ul>
 *   <li>{@code learned.baseline}: the chance of failure of a typical change, one with every measure at
 *       its average over the deployments the model learned from ({@code 100 σ(b0)});</li>
 *   <li>{@code learned.<metric>}, one per measure: its share of the difference between this change and
 *       the typical one. In log-odds the measures add up ({@code z = b0 + Σ c_j}); the difference in
 *       chance, {@code 100 (σ(z) - σ(b0))}, is shared in proportion to each {@code c_j}, which is what
 *       integrating the gradient along the straight line from the typical change gives, since the
 *       logistic curve has one slope along that line. A measure that makes the change riskier than
 *       typical adds points; one that makes it safer takes them away.</li>
 * </ul>
 * Rounding is to whole points with the remainders going to the largest shares, so the factors add
 * up to {@code round(100 p)}. The history the model learned from does not say which changes had
 * destructive migrations, infrastructure or dependency changes: those reversibility factors, the
 * feature-flag mitigation, the minimum levels and the levels themselves stay the policy's, as in
 * {@link RiskScorer#finish}.
 */
public final class LearnedScorer implements ChangeScorer {
    private final LearnedModel model;
    private final RiskScorer policy;
    private final int[] metricIndex;

    public LearnedScorer(LearnedModel model, ScoringRules rules) {
        this.model = model;
        this.policy = new RiskScorer(rules);
        this.metricIndex = metricIndexes(model, model.name());
    }

    /**
     * Checks that a change's assessment measures every input of the model: a model saved from a
     * backtest with extra history columns (author experience, ...) cannot score a change.
     */
    public static void checkScoresChanges(LearnedModel model, String source) {
        metricIndexes(model, source);
    }

    private static int[] metricIndexes(LearnedModel model, String source) {
        int[] index = new int[model.features().size()];
        for (int j = 0; j < index.length; j++) {
            String name = model.features().get(j).name();
            index[j] = HistoryColumns.METRICS.indexOf(name);
            if (index[j] < 0) {
                throw new RiskGateException("model " + source + " uses '" + name + "', which an assessment does not measure: a model"
                        + " that scores changes may use only " + String.join(", ", HistoryColumns.METRICS)
                        + " (save one with 'riskgate backtest' without --feature)");
            }
        }
        return index;
    }

    public LearnedModel model() {
        return model;
    }

    /**
     * The scorers of an assessment: per set of scoring rules, the learned model's scorer, or the
     * default {@link RiskScorer} when {@code model} is null.
     */
    public static List<ChangeScorer> forRules(LearnedModel model, List<ScoringRules> rules) {
        return rules.stream().map(r -> model == null ? (ChangeScorer) new RiskScorer(r) : new LearnedScorer(model, r)).toList();
    }

    @Override
    public RiskAssessment score(Change change, ChangeAnalysis analysis) {
        return policy.finish(change, analysis, sizeFactors(analysis.metrics()), model.name());
    }

    /** The size part: the typical change's points and each measure's share, adding up to {@code round(100 p)}. */
    List<Factor> sizeFactors(ChangeMetrics metrics) {
        int n = model.features().size();
        double z0 = model.intercept();
        double[] raw = new double[n];
        double[] contribution = new double[n];
        double z = z0;
        for (int j = 0; j < n; j++) {
            LearnedModel.Feature f = model.features().get(j);
            raw[j] = value(metrics, metricIndex[j]);
            contribution[j] = f.coefficient() * f.standardised(raw[j]);
            z += contribution[j];
        }
        double p0 = LogisticRegression.sigmoid(z0);
        double p = LogisticRegression.sigmoid(z);
        // the one slope of σ along the line from z0 to z: (σ(z) - σ(z0)) / (z - z0), or σ'(z0) when they meet
        double slope = Math.abs(z - z0) < 1e-9 ? p0 * (1 - p0) : (p - p0) / (z - z0);
        int baseline = (int) Math.round(100 * p0);
        double[] share = new double[n];
        for (int j = 0; j < n; j++) {
            share[j] = 100 * slope * contribution[j];
        }
        int[] points = apportion(share, (int) Math.round(100 * p) - baseline);

        List<Factor> factors = new ArrayList<>();
        factors.add(new Factor("learned.baseline", baseline, String.format(Locale.ROOT,
                "model %s learned from %s deployments (%s failed, %s to %s): a typical one, every measure at its average, fails with chance %.1f%%",
                model.name(), fmt(model.samples()), fmt(model.positives()), model.trainedFrom().toString().substring(0, 10),
                model.trainedTo().toString().substring(0, 10), 100 * p0)));
        // a measure with a log1p and a plain input (the averaged model) is one factor: its points and odds together
        Map<String, List<Integer>> byName = new LinkedHashMap<>();
        for (int j = 0; j < n; j++) {
            byName.computeIfAbsent(model.features().get(j).name(), k -> new ArrayList<>()).add(j);
        }
        for (List<Integer> terms : byName.values()) {
            LearnedModel.Feature f = model.features().get(terms.get(0));
            if (terms.size() == 1) {
                factors.add(new Factor("learned." + f.name(), points[terms.get(0)], explain(f, raw[terms.get(0)], points[terms.get(0)],
                        metrics.history())));
                continue;
            }
            int sum = 0;
            double zTerms = 0;
            double cap = Double.POSITIVE_INFINITY;
            for (int j : terms) {
                sum += points[j];
                zTerms += contribution[j];
                cap = Math.min(cap, model.features().get(j).cap());
            }
            factors.add(new Factor("learned." + f.name(), sum, explainTerms(f, raw[terms.get(0)], sum, Math.exp(zTerms), cap,
                    metrics.history())));
        }
        return factors;
    }

    /**
     * A measure with several inputs: its value against the typical one and the odds against a change at the training
     * averages; beyond the cap of its plain input, that only its {@code log1p} input still grows.
     */
    private static String explainTerms(LearnedModel.Feature f, double raw, int points, double odds, double cap, HistoryMeasures history) {
        double typical = f.transform() == LearnedModel.Transform.LOG1P ? Math.expm1(f.mean()) : f.mean();
        String compared = points == 0 ? "about typical" : points > 0 ? "riskier than typical" : "safer than typical";
        String against = String.format(Locale.ROOT, "odds of failure ×%.2f against a change with it at the training average%s", odds,
                raw > cap ? "; above " + value(f, cap) + ", the most the model weighs in full, only its log1p input grows" : "");
        String words = words(f.name(), raw, history);
        if (words != null) {
            return String.format(Locale.ROOT, "%s: %s (%s)", words, compared, against);
        }
        return String.format(Locale.ROOT, "%s %s (typical %s): %s (%s)", f.name(), value(f, raw), value(f, typical), compared, against);
    }

    private static String explain(LearnedModel.Feature f, double raw, int points, HistoryMeasures history) {
        double typical = f.transform() == LearnedModel.Transform.LOG1P ? Math.expm1(f.mean()) : f.mean();
        String compared = points == 0 ? "about typical" : points > 0 ? "riskier than typical" : "safer than typical";
        String odds = f.transform() == LearnedModel.Transform.LOG1P
                ? String.format(Locale.ROOT, "odds of failure ×%.2f per doubling of 1 + %s", f.oddsFactor(), f.name())
                : f.name().equals("fix")
                ? String.format(Locale.ROOT, "odds of failure ×%.2f for a fix", Math.exp(f.coefficient() / f.sd()))
                : String.format(Locale.ROOT, "odds of failure ×%.2f per %s more%s", f.oddsFactor(), value(f, f.sd()),
                raw > f.cap() ? ", counted as " + value(f, f.cap()) + ", the most the model weighs" : "");
        String words = words(f.name(), raw, history);
        if (words != null) {
            return String.format(Locale.ROOT, "%s: %s (%s)", words, compared, odds);
        }
        return String.format(Locale.ROOT, "%s %s (typical %s): %s (%s)", f.name(), value(f, raw), value(f, typical), compared, odds);
    }

    /** A history measure in the words a release manager uses, or null for the size measures (named by their metric). */
    static String words(String metric, double v, HistoryMeasures h) {
        long n = Math.round(v);
        String when = h.since() == null ? " before" : " since " + h.since().toString().substring(0, 10);
        return switch (metric) {
            case "developers" -> (n == 0 ? "no developer" : n == 1 ? "1 developer" : fmt(n) + " developers") + " changed these files" + when;
            case "age" -> h.priorChanges() == 0 ? "these files were not changed" + when
                    : "these files were last changed " + (v >= 10 ? fmt(n) + " days" : v >= 1 ? String.format(Locale.ROOT, "%.1f days", v)
                    : String.format(Locale.ROOT, "%.1f hours", v * 24)) + " ago on average";
            case "priorChanges" -> (n == 0 ? "no earlier change" : fmt(n) + " earlier change" + (n == 1 ? "" : "s")) + " to these files" + when;
            case "authorExperience" -> v == 0 ? "the author has made no earlier change to this repository" + when
                    : "the author has made " + count(v) + " earlier change" + (v == 1 ? "" : "s") + " to this repository" + when;
            case "recentExperience" -> v == 0 ? "the author has made no recent change"
                    : "the author's recent changes count " + String.format(Locale.ROOT, "%.1f", v) + " (each weighted 1 / (1 + years ago))";
            case "subsystemExperience" -> v == 0 ? "the author has made no earlier change to these files' top-level directories" + when
                    : "the author has made " + count(v) + " earlier change" + (v == 1 ? "" : "s") + " to these files' top-level directories" + when;
            case "fix" -> v >= 0.5 ? "a defect fix (a commit subject or the branch name says so)" : "not a defect fix";
            default -> null;
        };
    }

    private static String count(double v) {
        return v == Math.rint(v) ? fmt(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String value(LearnedModel.Feature f, double v) {
        return f.name().equals("entropy") ? String.format(Locale.ROOT, "%.2f", v)
                : v >= 10 || v == Math.rint(v) ? fmt(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Whole points adding up to {@code total}: each share rounded, the difference given one point at a time to the largest remainders. */
    static int[] apportion(double[] share, int total) {
        int[] points = new int[share.length];
        int sum = 0;
        for (int j = 0; j < share.length; j++) {
            points[j] = (int) Math.round(share[j]);
            sum += points[j];
        }
        while (sum != total && share.length > 0) {
            int step = sum < total ? 1 : -1;
            int best = 0;
            double bestGap = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < share.length; j++) {
                double gap = step * (share[j] - points[j]);
                if (gap > bestGap) {
                    bestGap = gap;
                    best = j;
                }
            }
            points[best] += step;
            sum += step;
        }
        return points;
    }

    private static double value(ChangeMetrics m, int metric) {
        return switch (metric) {
            case 0 -> m.linesAdded();
            case 1 -> m.linesDeleted();
            case 2 -> m.files();
            case 3 -> m.directories();
            case 4 -> m.subsystems();
            case 5 -> m.entropy();
            case 6 -> m.commits();
            case 7 -> m.authors();
            case 8 -> m.history().developers();
            case 9 -> m.history().age();
            case 10 -> m.history().priorChanges();
            case 11 -> m.history().authorExperience();
            case 12 -> m.history().recentExperience();
            case 13 -> m.history().subsystemExperience();
            case 14 -> m.history().fix() ? 1 : 0;
            default -> throw new IllegalArgumentException("metric " + metric);
        };
    }

    private static String fmt(long n) {
        return NumberFormat.getIntegerInstance(Locale.ROOT).format(n);
    }
}
