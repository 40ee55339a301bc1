package io.riskgate.learning;

import io.riskgate.RiskGateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replays a history: orders the changes by time, fits the learned model on the oldest part (the
 * training part) and compares it with the product's default score on the newest part (the test
 * part), which neither has seen. Never the other way round: a model must not learn from the future.
 *
 * <p>The learned model is a logistic regression ({@link LogisticRegression}) over the mapped
 * metrics and the extra features, all standardised on the training rows: the average of three fits
 * that scale the counts and durations differently ({@link Scaling#AVERAGED}: {@code log1p}, {@code log1p}
 * for the size measures only, and every input as it is; entropy and fix always as they are, extra
 * features {@code log1p} when non-negative and right-skewed, skewness above 1, in the training rows). A count or
 * duration taken as it is is capped at its 99th percentile in the fitted rows ({@link #CAP_QUANTILE}), so the few
 * changes far beyond the rest neither flatten its slope nor outrank every other change; the plain baseline is not capped.
 * Without metric columns, the {@code riskScore} column is its only input: it then recalibrates the
 * default score into a chance of failure. Recency: by default every training row counts the same;
 * {@link Options#windowDays()} keeps only the last days of the training part, and
 * {@link Options#halfLifeDays()} weighs a row by {@code 0.5^(age / half-life)}, its age counted from
 * the newest training row.
 */
public final class Backtest {
    private static final double DAY_MILLIS = 86_400_000.0;
    /**
     * The quantile of the fitted rows at which the learned model caps a measure it takes as it is (counts and
     * durations in the plain-valued fits, not entropy or fix, not the extra features): a change far beyond what the
     * model learned from (a 40,000-line import) counts as one at the cap, so its plain input cannot outweigh every
     * other measure. The plain baseline is not capped.
     */
    static final double CAP_QUANTILE = 0.99;

    private Backtest() {
    }

    /**
     * How to split and fit.
     *
     * @param trainFraction the share of rows, oldest first, to train on (0 < f < 1)
     * @param windowDays fit only on training rows at most this many days older than the newest one, or null for all
     * @param halfLifeDays the half-life of the recency weights in days, or null for equal weights
     * @param l2 the penalty on the standardised coefficients (0 = plain maximum likelihood), or null to choose it by
     *           time-ordered validation inside the training part
     */
    public record Options(double trainFraction, Integer windowDays, Double halfLifeDays, Double l2) {
        public static final double DEFAULT_TRAIN_FRACTION = 0.6;
        /** The penalty validation keeps unless another beats it (see {@link Validation}). */
        public static final double DEFAULT_L2 = 1.0;

        public Options {
            if (!(trainFraction > 0 && trainFraction < 1)) {
                throw new RiskGateException("--train-fraction must be above 0 and below 1 (got " + trainFraction
                        + "): e.g. 0.6 trains on the oldest 60% of the changes and tests on the newest 40%");
            }
            if (windowDays != null && windowDays < 1) {
                throw new RiskGateException("--window-days must be at least 1 (got " + windowDays + "): leave it out to train on every training row");
            }
            if (halfLifeDays != null && !(halfLifeDays > 0 && Double.isFinite(halfLifeDays))) {
                throw new RiskGateException("--half-life-days must be above 0 (got " + halfLifeDays + "): leave it out to weigh every row the same");
            }
            if (l2 != null && !(l2 >= 0 && Double.isFinite(l2))) {
                throw new RiskGateException("--l2 must be 0 or more (got " + l2 + "): 1 is a light penalty, 0 none");
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_TRAIN_FRACTION, null, null, null);
        }
    }

    /** Runs the backtest. */
    public static BacktestResult run(History history, Options options) {
        int n = history.size();
        int failures = history.failures();
        String source = history.source();
        if (failures == 0 || failures == n) {
            throw new RiskGateException("history " + source + " has only " + (failures == 0 ? "good" : "failed") + " changes ("
                    + n + " rows): a backtest needs both outcomes; check the outcome column");
        }
        int trainRows = (int) Math.floor(n * options.trainFraction());
        if (trainRows < 1 || trainRows >= n) {
            throw new RiskGateException("--train-fraction " + options.trainFraction() + " leaves " + (trainRows < 1 ? "no training" : "no test")
                    + " rows of " + n + ": use a fraction that leaves rows on both sides, e.g. 0.6");
        }
        int trainFailures = count(history, 0, trainRows);
        int testFailures = failures - trainFailures;
        checkBothOutcomes(trainFailures, trainRows, "training part (the oldest " + trainRows + " rows)", source);
        checkBothOutcomes(testFailures, n - trainRows, "test part (the newest " + (n - trainRows) + " rows)", source);

        long trainEnd = history.time(trainRows - 1);
        int fitFrom = 0;
        if (options.windowDays() != null) {
            long start = trainEnd - (long) (options.windowDays() * DAY_MILLIS);
            while (history.time(fitFrom) < start) {
                fitFrom++;
            }
            checkBothOutcomes(count(history, fitFrom, trainRows), trainRows - fitFrom,
                    "window of --window-days " + options.windowDays() + " (" + (trainRows - fitFrom) + " rows)", source);
        }
        List<String> notes = new ArrayList<>(history.notes());
        Validation validation = Validation.choose(history, fitFrom, trainRows, options);
        Settings chosen = validation.chosen();
        Fit fit = fit(history, fitFrom, trainRows, chosen.halfLifeDays(), chosen.l2(), chosen.scaling(), notes);
        LearnedModel model = fit.model;
        List<Input> inputs = fit.inputs;
        boolean[] failed = fit.failed;
        Fit plain = plain(history, trainRows, notes);

        int testRows = n - trainRows;
        DefaultModel defaults = new DefaultModel(source);
        double[] defaultRanking = new double[testRows];
        int[] defaultScore = new int[testRows];
        double[] defaultPredicted = new double[testRows];
        double[] learnedRanking = new double[testRows];
        int[] learnedScore = new int[testRows];
        double[] plainRanking = new double[testRows];
        int[] plainScore = new int[testRows];
        double[] plainRaw = new double[plain.inputs.size()];
        boolean[] testFailed = new boolean[testRows];
        double[] raw = new double[inputs.size()];
        for (int t = 0; t < testRows; t++) {
            int i = trainRows + t;
            int score = defaults.score(history, i);
            defaultRanking[t] = score;
            defaultScore[t] = score;
            defaultPredicted[t] = score / 100.0;
            for (int j = 0; j < raw.length; j++) {
                raw[j] = inputs.get(j).raw[i];
            }
            double p = model.probability(raw);
            learnedRanking[t] = p;
            learnedScore[t] = LearnedModel.score(p);
            for (int j = 0; j < plainRaw.length; j++) {
                plainRaw[j] = plain.inputs.get(j).raw[i];
            }
            double q = plain.model.probability(plainRaw);
            plainRanking[t] = q;
            plainScore[t] = LearnedModel.score(q);
            testFailed[t] = failed[i];
        }
        return new BacktestResult(source, n, history.skipped(), trainRows, trainRows - fitFrom, testRows, failures, trainFailures,
                testFailures, Instant.ofEpochMilli(history.time(0)), model.trainedTo(), Instant.ofEpochMilli(history.time(trainRows)),
                Instant.ofEpochMilli(history.time(n - 1)),
                history.hasMetrics() ? BacktestResult.DEFAULT_FROM_METRICS : BacktestResult.DEFAULT_FROM_RISK_SCORE,
                history.metricColumns(), history.entropyInBits(), notes, options,
                Evaluation.of(defaultRanking, defaultScore, defaultPredicted, testFailed),
                Evaluation.of(learnedRanking, learnedScore, learnedRanking, testFailed), model,
                Evaluation.of(plainRanking, plainScore, plainRanking, testFailed), plain.model, validation);
    }

    /**
     * Fits the learned model on every row of a history (oldest to newest), for scoring new changes,
     * with the penalty, recency and scaling that time-ordered validation inside the history chooses.
     *
     * @param notes receives notes on inputs left out
     */
    public static LearnedModel train(History history, List<String> notes) {
        int failures = history.failures();
        if (failures == 0 || failures == history.size()) {
            throw new RiskGateException("history " + history.source() + " has only " + (failures == 0 ? "good" : "failed")
                    + " changes: a model needs both outcomes");
        }
        notes.addAll(history.notes());
        Settings chosen = Validation.choose(history, 0, history.size(), Options.defaults()).chosen();
        return fit(history, 0, history.size(), chosen.halfLifeDays(), chosen.l2(), chosen.scaling(), notes).model;
    }

    /**
     * How the inputs are scaled before they are standardised.
     */
    public enum Scaling {
        /**
         * The learned model: the average of the log-odds of three logistic regressions fitted on the same rows with the
         * same penalty, one per scaling below ({@link #LOG1P}, {@link #LOG1P_SIZE}, {@link #NONE}). An average of
         * linear log-odds is itself linear, so the result is one logistic regression whose inputs are the
         * {@code log1p} and the plain value of a measure (each one standardised); it is not lost when one scaling
         * suits a team's history better than the others.
         */
        AVERAGED("averaged"),
        /** Counts and durations (and skewed extra features) {@code log1p}, entropy and fix as they are. */
        LOG1P("log1p"),
        /** The size measures {@code log1p}, the history measures as they are; extra features as for {@link #LOG1P}. */
        LOG1P_SIZE("log1p size"),
        /** Every input as it is (in the learned model, counts and durations capped): the scaling of the plain logistic baseline. */
        NONE("none");

        private final String label;

        Scaling(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One setting of the learned model's fit.
     *
     * @param l2 the penalty on the standardised coefficients
     * @param halfLifeDays the recency half-life, or null for equal weights
     * @param scaling how the inputs are scaled
     */
    public record Settings(double l2, Double halfLifeDays, Scaling scaling) {
        @Override
        public String toString() {
            return "l2 " + l2 + ", " + (halfLifeDays == null ? "equal weights" : "half-life " + halfLifeDays + " days")
                    + ", " + scaling.label() + " scaling";
        }
    }

    /**
     * How the settings were chosen: by forward-chaining validation inside the training part only. The
     * settings tried: the L2 penalty (unless given) among {@link #L2}, for the averaged model
     * ({@link Scaling#AVERAGED}); then every input as it is with a light penalty ({@link #LIGHT_L2}, or the
     * one given), the plain baseline's form; recency weights and windows only when given.
     * The training part (its newest {@link #MAX_VALIDATION_ROWS} rows at most) is cut at 50%, 75% and
     * 100%; each setting is fitted on the rows before a cut and its AUC measured on the rows up to the
     * next cut; the setting with the best mean AUC wins. The first setting (l2 1, equal weights) stays
     * unless another penalty beats it by more than {@code margin}: the standard error of its mean validation
     * AUC (Hanley and McNeil, 1982), at least {@link #MIN_MARGIN}, so validation noise does not move the
     * model. The plain candidate replaces the best averaged setting when it beats it by more than
     * {@link #MIN_MARGIN}.
     *
     * @param chosen the setting fitted on the whole training part
     * @param tried every setting with its mean validation AUC (NaN when no fold could be measured)
     * @param folds folds measured
     * @param margin what another setting had to gain over the first one to be chosen
     */
    public record Validation(Settings chosen, Map<Settings, Double> tried, int folds, double margin) {
        public static final int MAX_VALIDATION_ROWS = 60_000;
        public static final double MIN_MARGIN = 0.002;
        static final double[] L2 = {1, 0.01, 0.1, 10, 100};
        /** The penalty of the plain candidate (every input as it is). */
        static final double LIGHT_L2 = 0.01;

        public Validation {
            tried = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tried));
        }

        static Validation choose(History history, int from, int to, Options options) {
            List<Settings> candidates = new ArrayList<>();
            List<Double> penalties = new ArrayList<>();
            if (options.l2() != null) {
                penalties.add(options.l2());
            } else {
                for (double l : L2) {
                    penalties.add(l);
                }
            }
            // recency weights are the user's choice (--half-life-days), not searched: on the ApacheJIT projects a searched
            // 365-day half-life lost test AUC on two of ten projects and gained on none (docs/risk-model.md); choosing the
            // scaling (log1p or as is) by validation lost to the plain baseline where the validation folds were small, so
            // the scalings are averaged instead of chosen
            for (double l2 : penalties) {
                candidates.add(new Settings(l2, options.halfLifeDays(), Scaling.AVERAGED));
            }
            // the plain baseline's form with a light penalty: where the history clearly follows the raw values, it wins
            candidates.add(new Settings(options.l2() != null ? options.l2() : LIGHT_L2, options.halfLifeDays(), Scaling.NONE));
            int start = Math.max(from, to - MAX_VALIDATION_ROWS);
            int[] cuts = {start + (to - start) / 2, start + 3 * (to - start) / 4, to};
            Map<Settings, Double> tried = new java.util.LinkedHashMap<>();
            Settings best = candidates.get(0);
            double bestAuc = Double.NaN;
            double margin = MIN_MARGIN;
            int folds = 0;
            for (Settings c : candidates) {
                double sum = 0;
                double variance = 0;
                int n = 0;
                for (int k = 0; k + 1 < cuts.length; k++) {
                    double auc = foldAuc(history, start, cuts[k], cuts[k + 1], c);
                    if (!Double.isNaN(auc)) {
                        sum += auc;
                        int failures = count(history, cuts[k], cuts[k + 1]);
                        double se = Evaluation.aucStandardError(auc, failures, cuts[k + 1] - cuts[k] - failures);
                        variance += se * se;
                        n++;
                    }
                }
                folds = Math.max(folds, n);
                double mean = n == 0 ? Double.NaN : sum / n;
                tried.put(c, mean);
                if (c == candidates.get(0)) {
                    bestAuc = mean;
                    if (n > 0) {
                        margin = Math.max(MIN_MARGIN, Math.sqrt(variance) / n);
                    }
                } else if (c.scaling() != Scaling.AVERAGED) {
                    // the plain candidate is a different model, not a neighbouring penalty: it needs to beat the best by MIN_MARGIN
                    if (!Double.isNaN(mean) && (Double.isNaN(bestAuc) || mean > bestAuc + MIN_MARGIN)) {
                        best = c;
                        bestAuc = mean;
                    }
                } else if (!Double.isNaN(mean) && (Double.isNaN(bestAuc) || mean > bestAuc + (best == candidates.get(0) ? margin : 0))) {
                    best = c;
                    bestAuc = mean;
                }
            }
            return new Validation(best, tried, folds, margin);
        }

        /** The AUC on rows [cut, end) of setting {@code s} fitted on rows [start, cut), or NaN when a side lacks an outcome. */
        private static double foldAuc(History history, int start, int cut, int end, Settings s) {
            if (cut - start < 10 || end - cut < 10) {
                return Double.NaN;
            }
            int fitFailures = count(history, start, cut);
            int testFailures = count(history, cut, end);
            if (fitFailures == 0 || fitFailures == cut - start || testFailures == 0 || testFailures == end - cut) {
                return Double.NaN;
            }
            Fit fit;
            try {
                fit = fit(history, start, cut, s.halfLifeDays(), s.l2(), s.scaling(), new ArrayList<>());
            } catch (RiskGateException | IllegalArgumentException | ArithmeticException e) {
                return Double.NaN;
            }
            double[] scores = new double[end - cut];
            boolean[] failed = new boolean[end - cut];
            double[] raw = new double[fit.inputs.size()];
            for (int i = cut; i < end; i++) {
                for (int j = 0; j < raw.length; j++) {
                    raw[j] = fit.inputs.get(j).raw[i];
                }
                scores[i - cut] = fit.model.probability(raw);
                failed[i - cut] = history.failed(i);
            }
            return Evaluation.auc(scores, failed);
        }
    }

    private record Fit(LearnedModel model, List<Input> inputs, boolean[] failed) {
    }

    /**
     * The baseline: a plain logistic regression on every training row, inputs as they are, equal
     * weights, no penalty; when the outcome is separable and that fit has no finite solution, the
     * smallest penalty of 10^-6, 10^-3, 1 that has one (a note says so).
     */
    private static Fit plain(History history, int trainRows, List<String> notes) {
        RiskGateException unfit = null;
        for (double l2 : new double[] {0, 1e-6, 1e-3, 1}) {
            try {
                Fit fit = fitOne(history, 0, trainRows, null, l2, Scaling.NONE, false, new ArrayList<>());
                if (l2 > 0) {
                    notes.add("the plain logistic baseline has no finite fit without a penalty (the training outcomes are separable):"
                            + " fitted with l2 " + l2);
                }
                return fit;
            } catch (RiskGateException e) {
                unfit = e;
            }
        }
        throw unfit;
    }

    /** Fits on rows {@code from} (inclusive) to {@code to} (exclusive). */
    private static Fit fit(History history, int fitFrom, int trainRows, Double halfLifeDays, double l2, Scaling scaling, List<String> notes) {
        if (scaling != Scaling.AVERAGED) {
            return fitOne(history, fitFrom, trainRows, halfLifeDays, l2, scaling, true, notes);
        }
        Scaling[] parts = {Scaling.LOG1P, Scaling.LOG1P_SIZE, Scaling.NONE};
        // the inputs of the average: one per measure and transform, in the order of the measures, log1p before as is
        Map<String, Input> inputs = new java.util.TreeMap<>();
        Map<String, Double> coefficients = new java.util.HashMap<>();
        double intercept = 0;
        Fit first = null;
        for (Scaling part : parts) {
            Fit fit = fitOne(history, fitFrom, trainRows, halfLifeDays, l2, part, true, part == parts[0] ? notes : new ArrayList<>());
            first = first == null ? fit : first;
            intercept += fit.model.intercept() / parts.length;
            for (int j = 0; j < fit.inputs.size(); j++) {
                Input in = fit.inputs.get(j);
                String key = String.format(Locale.ROOT, "%04d-%d", in.order, in.transform.ordinal());
                inputs.putIfAbsent(key, in);
                coefficients.merge(key, fit.model.features().get(j).coefficient() / parts.length, Double::sum);
            }
        }
        List<Input> merged = new ArrayList<>(inputs.values());
        List<LearnedModel.Feature> features = new ArrayList<>();
        for (Map.Entry<String, Input> e : inputs.entrySet()) {
            Input in = e.getValue();
            features.add(new LearnedModel.Feature(in.name, in.column, in.transform, in.mean, in.sd, coefficients.get(e.getKey()), in.cap));
        }
        LearnedModel m = first.model;
        LearnedModel model = new LearnedModel(m.name(), m.trainedFrom(), m.trainedTo(), m.samples(), m.positives(), l2, halfLifeDays,
                intercept, features);
        return new Fit(model, merged, first.failed);
    }

    /**
     * Fits one logistic regression.
     *
     * @param capped whether the measures taken as they are are capped at their {@link #CAP_QUANTILE} quantile in the fitted rows
     */
    private static Fit fitOne(History history, int fitFrom, int trainRows, Double halfLifeDays, double l2, Scaling scaling, boolean capped,
                              List<String> notes) {
        int n = history.size();
        long trainEnd = history.time(trainRows - 1);
        double[] weights = null;
        if (halfLifeDays != null) {
            weights = new double[n];
            for (int i = fitFrom; i < trainRows; i++) {
                weights[i] = Math.pow(0.5, (trainEnd - history.time(i)) / DAY_MILLIS / halfLifeDays);
            }
        }
        List<Input> inputs = inputs(history, fitFrom, trainRows, scaling, capped, notes);
        double[][] x = new double[inputs.size()][];
        for (int j = 0; j < x.length; j++) {
            x[j] = inputs.get(j).standardised;
        }
        boolean[] failed = new boolean[n];
        for (int i = 0; i < n; i++) {
            failed[i] = history.failed(i);
        }
        double[] beta = LogisticRegression.fit(x, failed, weights, fitFrom, trainRows, l2);
        List<LearnedModel.Feature> features = new ArrayList<>();
        for (int j = 0; j < inputs.size(); j++) {
            Input in = inputs.get(j);
            features.add(new LearnedModel.Feature(in.name, in.column, in.transform, in.mean, in.sd, beta[j + 1], in.cap));
        }
        Instant trainedTo = Instant.ofEpochMilli(trainEnd);
        LearnedModel model = new LearnedModel(LearnedModel.nameFor(trainedTo), Instant.ofEpochMilli(history.time(fitFrom)), trainedTo,
                trainRows - fitFrom, count(history, fitFrom, trainRows), l2, halfLifeDays, beta[0], features);
        return new Fit(model, inputs, failed);
    }

    /** One input of the model: its raw values for every row and its standardised values. */
    private static final class Input {
        final String name;
        final String column;
        final double[] raw;
        /** The input's place among the model's inputs: metrics in their order, then the extra features. */
        int order;
        LearnedModel.Transform transform;
        /** Raw values above it count as it ({@link Double#POSITIVE_INFINITY}: none). */
        double cap = Double.POSITIVE_INFINITY;
        double mean;
        double sd;
        double[] standardised;

        Input(String name, String column, double[] raw) {
            this.name = name;
            this.column = column;
            this.raw = raw;
        }
    }

    private static List<Input> inputs(History history, int from, int to, Scaling scaling, boolean capped, List<String> notes) {
        boolean log = scaling != Scaling.NONE;
        int n = history.size();
        List<Input> candidates = new ArrayList<>();
        for (int m = 0; m < HistoryColumns.METRICS.size(); m++) {
            String metric = HistoryColumns.METRICS.get(m);
            String column = history.metricColumns().get(metric);
            if (column != null) {
                double[] raw = new double[n];
                for (int i = 0; i < n; i++) {
                    raw[i] = history.metric(m, i);
                }
                if (!fillEmpty(raw, from, to)) {
                    notes.add(metric + " (" + column + ") is empty in every row the model is fitted on: left out of the learned model");
                    continue;
                }
                Input in = new Input(metric, column, raw);
                in.order = m;
                boolean logged = scaling == Scaling.LOG1P || scaling == Scaling.LOG1P_SIZE && m < HistoryColumns.FIRST_HISTORY_METRIC;
                in.transform = !logged || metric.equals("entropy") || metric.equals("fix") ? LearnedModel.Transform.NONE : LearnedModel.Transform.LOG1P;
                if (capped && in.transform == LearnedModel.Transform.NONE && !metric.equals("entropy") && !metric.equals("fix")) {
                    in.cap = cap(raw, from, to);
                }
                candidates.add(in);
            }
        }
        if (!history.hasMetrics()) {
            double[] raw = new double[n];
            for (int i = 0; i < n; i++) {
                raw[i] = history.riskScore(i);
            }
            Input in = new Input(HistoryColumns.RISK_SCORE, HistoryColumns.RISK_SCORE, raw);
            in.order = HistoryColumns.METRICS.size();
            in.transform = LearnedModel.Transform.NONE;
            candidates.add(in);
        }
        for (int f = 0; f < history.features().size(); f++) {
            double[] raw = new double[n];
            for (int i = 0; i < n; i++) {
                raw[i] = history.feature(f, i);
            }
            String name = history.features().get(f);
            Input in = new Input(name, name, raw);
            in.order = HistoryColumns.METRICS.size() + 1 + f;
            in.transform = log && skewedCount(raw, from, to) ? LearnedModel.Transform.LOG1P : LearnedModel.Transform.NONE;
            candidates.add(in);
        }
        List<Input> inputs = new ArrayList<>();
        for (Input in : candidates) {
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = in.transform.apply(Math.min(in.raw[i], in.cap));
            }
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += t[i];
            }
            double mean = sum / (to - from);
            double squares = 0;
            for (int i = from; i < to; i++) {
                squares += (t[i] - mean) * (t[i] - mean);
            }
            double sd = Math.sqrt(squares / (to - from));
            if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) {
                notes.add(in.name + " (" + in.column + ") is the same in every training row: left out of the learned model");
                continue;
            }
            for (int i = 0; i < n; i++) {
                t[i] = (t[i] - mean) / sd;
            }
            in.mean = mean;
            in.sd = sd;
            in.standardised = t;
            inputs.add(in);
        }
        return inputs;
    }

    /**
     * Gives the empty values of a measure (NaN: a history measure empty in a few rows, {@link History#MAX_FILLED_SHARE})
     * its median in rows {@code [from, to)}, in every row; false when it is empty in all of those rows.
     */
    static boolean fillEmpty(double[] v, int from, int to) {
        boolean empty = false;
        for (double x : v) {
            empty |= Double.isNaN(x);
        }
        if (!empty) {
            return true;
        }
        double[] present = java.util.Arrays.stream(v, from, to).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (present.length == 0) {
            return false;
        }
        int h = present.length / 2;
        double median = present.length % 2 == 1 ? present[h] : (present[h - 1] + present[h]) / 2;
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.isNaN(v[i]) ? median : v[i];
        }
        return true;
    }

    /**
     * The cap of a measure taken as it is: its {@link #CAP_QUANTILE} quantile in rows {@code [from, to)}, the value at
     * place {@code floor(0.99 (n - 1))} of their n values in ascending order (counting from 0; no interpolation), or
     * {@link Double#POSITIVE_INFINITY} (no cap) when that is also its smallest value (a cap would make it constant).
     */
    static double cap(double[] v, int from, int to) {
        double[] sorted = java.util.Arrays.copyOfRange(v, from, to);
        java.util.Arrays.sort(sorted);
        double cap = sorted[(int) Math.floor(CAP_QUANTILE * (sorted.length - 1))];
        return cap <= sorted[0] ? Double.POSITIVE_INFINITY : cap;
    }

    /** Non-negative with a long right tail (sample skewness above 1) in the training rows. */
    static boolean skewedCount(double[] v, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            if (v[i] < 0) {
                return false;
            }
            sum += v[i];
        }
        double mean = sum / (to - from);
        double m2 = 0;
        double m3 = 0;
        for (int i = from; i < to; i++) {
            double d = v[i] - mean;
            m2 += d * d;
            m3 += d * d * d;
        }
        m2 /= to - from;
        m3 /= to - from;
        return m2 > 0 && m3 / Math.pow(m2, 1.5) > 1;
    }

    private static int count(History history, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n += history.failed(i) ? 1 : 0;
        }
        return n;
    }

    private static void checkBothOutcomes(int failures, int rows, String part, String source) {
        if (failures == 0 || failures == rows) {
            throw new RiskGateException(String.format(Locale.ROOT,
                    "the %s of history %s has only %s changes: a backtest needs both outcomes on each side; "
                            + "change --train-fraction%s or use a longer history", part, source, failures == 0 ? "good" : "failed",
                    part.startsWith("window") ? " or --window-days" : ""));
        }
    }
}
