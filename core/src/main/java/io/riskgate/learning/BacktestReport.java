package io.riskgate.learning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riskgate.risk.RiskScorer;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A backtest as plain maps (the JSON of {@code riskgate backtest --format json}) and as text. Keys
 * are documented in docs/risk-model.md; new keys may be added, existing ones keep their meaning.
 */
public final class BacktestReport {
    private static final String ENTROPY_BITS = "in bits: normalised to 0..1 by log2(files)";
    private static final String ENTROPY_AS_GIVEN = "as given (0..1)";

    private BacktestReport() {
    }

    public static Map<String, Object> toMap(BacktestResult r) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("history", r.source());
        map.put("rows", r.rows());
        map.put("skippedRows", r.skipped());
        map.put("trainRows", r.trainRows());
        map.put("fitRows", r.fitRows());
        map.put("testRows", r.testRows());
        map.put("positives", r.positives());
        map.put("trainPositives", r.trainPositives());
        map.put("testPositives", r.testPositives());
        map.put("trainPeriod", period(r.trainFrom().toString(), r.trainTo().toString()));
        map.put("testPeriod", period(r.testFrom().toString(), r.testTo().toString()));
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("trainFraction", r.options().trainFraction());
        options.put("windowDays", r.options().windowDays());
        options.put("halfLifeDays", r.options().halfLifeDays());
        options.put("l2", r.options().l2());
        map.put("options", options);
        Map<String, Object> validation = new LinkedHashMap<>();
        validation.put("method", "forward-chaining inside the training part: fit before the 50% and 75% cuts, AUC up to the next cut"
                + " (newest " + Backtest.Validation.MAX_VALIDATION_ROWS + " training rows at most)");
        validation.put("folds", r.validation().folds());
        validation.put("margin", round(r.validation().margin()));
        validation.put("chosen", settings(r.validation().chosen(), null));
        List<Object> tried = new ArrayList<>();
        r.validation().tried().forEach((s, auc) -> tried.add(settings(s, auc)));
        validation.put("tried", tried);
        map.put("validation", validation);
        Map<String, String> metrics = new LinkedHashMap<>();
        for (String metric : HistoryColumns.METRICS) {
            if (r.metricColumns().containsKey(metric)) {
                metrics.put(metric, r.metricColumns().get(metric));
            }
        }
        map.put("metrics", metrics);
        if (r.metricColumns().containsKey("entropy")) {
            map.put("entropy", r.entropyInBits() ? ENTROPY_BITS : ENTROPY_AS_GIVEN);
        }
        map.put("notes", r.notes());

        Map<String, Object> defaults = evaluation(RiskScorer.MODEL, r.defaults());
        defaults.put("score", r.defaultScore());
        map.put("default", defaults);
        Map<String, Object> learned = evaluation(r.model().name(), r.learned());
        learned.put("score", "round(100 * p) of a logistic regression: the average of its fits with log1p, log1p-size and plain scaling");
        learned.put("explanation", r.model().explanation());
        learned.put("definition", r.model().toMap());
        map.put("learned", learned);
        Map<String, Object> baseline = evaluation(BacktestResult.BASELINE, r.baseline());
        baseline.put("score", "round(100 * p) of a plain logistic regression: the same inputs as they are, no penalty, no window, equal weights");
        baseline.put("definition", r.baselineModel().toMap());
        map.put("baseline", baseline);
        return map;
    }

    private static Map<String, Object> settings(Backtest.Settings s, Double auc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("l2", s.l2());
        m.put("halfLifeDays", s.halfLifeDays());
        m.put("scaling", s.scaling().label());
        if (auc != null) {
            m.put("validationAuc", Double.isNaN(auc) ? null : round(auc));
        }
        return m;
    }

    public static String toJson(BacktestResult r) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String toText(BacktestResult r) {
        StringBuilder out = new StringBuilder();
        String nl = System.lineSeparator();
        out.append("Backtest of ").append(r.source()).append(": ").append(fmt(r.rows())).append(" changes, ")
                .append(fmt(r.positives())).append(" failed (").append(pct(r.positives() / (double) r.rows())).append(")");
        if (r.skipped() > 0) {
            out.append("; ").append(fmt(r.skipped())).append(" skipped");
        }
        out.append(nl);
        out.append("Train: the oldest ").append(fmt(r.trainRows())).append(" (").append(day(r.trainFrom())).append(" to ")
                .append(day(r.trainTo())).append("), ").append(fmt(r.trainPositives())).append(" failed");
        if (r.fitRows() < r.trainRows()) {
            out.append("; fitted on the last ").append(fmt(r.fitRows())).append(" (--window-days ").append(r.options().windowDays()).append(")");
        }
        out.append(nl);
        out.append("Test:  the newest ").append(fmt(r.testRows())).append(" (").append(day(r.testFrom())).append(" to ")
                .append(day(r.testTo())).append("), ").append(fmt(r.testPositives())).append(" failed").append(nl);
        out.append("Default score: ").append(r.defaultScore());
        if (r.metricColumns().containsKey("entropy") && r.entropyInBits()) {
            out.append("; entropy ").append(ENTROPY_BITS);
        }
        out.append(nl).append(nl);

        String learnedName = r.model().name();
        int width = Math.max(learnedName.length(), 8);
        String base = BacktestResult.BASELINE;
        out.append(String.format(Locale.ROOT, "%-28s %8s   %" + width + "s   %s%n", "on the test part", "default", learnedName, base));
        out.append(String.format(Locale.ROOT, "%-28s %8.3f   %" + width + ".3f   %" + base.length() + ".3f%n", "AUC", r.defaults().auc(),
                r.learned().auc(), r.baseline().auc()));
        for (int percent : Evaluation.GATED) {
            out.append(String.format(Locale.ROOT, "%-28s %8s   %" + width + "s   %" + base.length() + "s%n", "failures caught, riskiest " + percent + "%",
                    pct(r.defaults().caughtAt().get(percent)), pct(r.learned().caughtAt().get(percent)),
                    pct(r.baseline().caughtAt().get(percent))));
        }
        out.append("(" + base + ": a logistic regression on the same inputs as they are, without penalty, window or weights)").append(nl);
        out.append(nl).append("Calibration on the test part: changes, predicted -> observed failure rate, by score band").append(nl);
        out.append("(the default score is not a chance of failure: its predicted rate is score / 100)").append(nl);
        out.append(String.format(Locale.ROOT, "  %-7s %-28s %s%n", "score", "default", learnedName));
        for (int b = 0; b < 10; b++) {
            String d = band(r.defaults(), b);
            String l = band(r.learned(), b);
            if (!d.isEmpty() || !l.isEmpty()) {
                out.append(String.format(Locale.ROOT, "  %-7s %-28s %s", b * 10 + "-" + (b == 9 ? 100 : b * 10 + 9), d, l).stripTrailing()).append(nl);
            }
        }
        LearnedModel m = r.model();
        out.append(nl).append("Learned model ").append(learnedName).append(": logistic regression, L2 penalty ")
                .append(num(m.l2())).append(", fitted on ").append(fmt(m.samples())).append(" changes (")
                .append(day(m.trainedFrom())).append(" to ").append(day(m.trainedTo())).append(")");
        if (m.halfLifeDays() != null) {
            out.append(", recency half-life ").append(num(m.halfLifeDays())).append(" days");
        }
        out.append("; score = round(100 x chance of failure)").append(nl);
        out.append("  settings chosen by validation inside the training part (").append(r.validation().folds()).append(" folds): ")
                .append(r.validation().chosen()).append(nl);
        for (String line : m.explanation()) {
            out.append("  - ").append(line).append(nl);
        }
        if (!r.notes().isEmpty()) {
            out.append(nl).append("Notes").append(nl);
            for (String note : r.notes()) {
                out.append("  - ").append(note).append(nl);
            }
        }
        return out.toString();
    }

    /**
     * One band of 10 score points of the calibration table, with each model's bucket (null when
     * no test change scored in the band).
     */
    public record CalibrationRow(int from, int to, Evaluation.Bucket defaults, Evaluation.Bucket learned) {
    }

    /** The calibration tables of both models side by side, bands with no change in either left out. */
    public static List<CalibrationRow> calibrationRows(BacktestResult r) {
        List<CalibrationRow> rows = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            Evaluation.Bucket d = bucket(r.defaults(), b);
            Evaluation.Bucket l = bucket(r.learned(), b);
            if (d != null || l != null) {
                rows.add(new CalibrationRow(b * 10, b == 9 ? 100 : b * 10 + 9, d, l));
            }
        }
        return rows;
    }

    private static Evaluation.Bucket bucket(Evaluation e, int b) {
        for (Evaluation.Bucket bucket : e.calibration()) {
            if (bucket.from() == b * 10) {
                return bucket;
            }
        }
        return null;
    }

    private static Map<String, Object> evaluation(String model, Evaluation e) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("model", model);
        map.put("auc", round(e.auc()));
        Map<String, Object> caught = new LinkedHashMap<>();
        e.caughtAt().forEach((percent, share) -> caught.put(String.valueOf(percent), round(share)));
        map.put("caughtAt", caught);
        List<Object> calibration = new ArrayList<>();
        for (Evaluation.Bucket b : e.calibration()) {
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("from", b.from());
            bm.put("to", b.to());
            bm.put("rows", b.rows());
            bm.put("failures", b.failures());
            bm.put("predicted", round(b.predicted()));
            bm.put("observed", round(b.observed()));
            calibration.add(bm);
        }
        map.put("calibration", calibration);
        return map;
    }

    private static String band(Evaluation e, int b) {
        Evaluation.Bucket bucket = bucket(e, b);
        return bucket == null ? "" : String.format(Locale.ROOT, "%7s  %5s -> %5s", fmt(bucket.rows()), pct(bucket.predicted()),
                pct(bucket.observed()));
    }

    private static Map<String, Object> period(String from, String to) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("from", from);
        map.put("to", to);
        return map;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String fmt(long n) {
        return NumberFormat.getIntegerInstance(Locale.ROOT).format(n);
    }

    private static String day(java.time.Instant t) {
        return t.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
    }
}
