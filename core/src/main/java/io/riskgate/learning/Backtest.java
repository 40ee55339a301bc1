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
 * metrics, {@code log1p}-scaled (lines added, lines deleted, files, directories, subsystems, commits,
 * authors) or as they are (entropy, 0..1), plus the extra features ({@code log1p} when non-negative
 * and right-skewed, skewness above 1, in the training rows), all standardised on the training rows.
 * Without metric columns, the {@code riskScore} column is its only input: it then recalibrates the
 * default score into a chance of failure. Recency: by default every training row counts the same;
 * {@link Options#windowDays()} keeps only the last days of the training part, and
 * {@link Options#halfLifeDays()} weighs a row by {@code 0.5^(age / half-life)}, its age counted from
 * the newest training row.
 */
public final class Backtest {
    private static final double DAY_MILLIS = 86_400_000.0;

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
        Fit fit = fit(history, fitFrom, trainRows, chosen.halfLifeDays(), chosen.l2(), chosen.log(), notes);
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
        return fit(history, 0, history.size(), chosen.halfLifeDays(), chosen.l2(), chosen.log(), notes).model;
    }

    /**
     * One setting of the learned model's fit.
     *
     * @param l2 the penalty on the standardised coefficients
     * @param halfLifeDays the recency half-life, or null for equal weights
     * @param log counts and skewed features {@code log1p}-scaled (else every input as it is)
     */
    public record Settings(double l2, Double halfLifeDays, boolean log) {
        @Override
        public String toString() {
            return "l2 " + l2 + ", " + (halfLifeDays == null ? "equal weights" : "half-life " + halfLifeDays + " days")
                    + ", " + (log ? "log1p-scaled counts" : "inputs as they are");
        }
    }

    /**
     * How the settings were chosen: by forward-chaining validation inside the training part only. The
     * settings tried: the L2 penalty (unless given) among {@link #L2}, and {@code log1p}-scaled counts or
     * every input as it is; recency weights and windows only when given.
     * The training part (its newest {@link #MAX_VALIDATION_ROWS} rows at most) is cut at 50%, 75% and
     * 100%; each setting is fitted on the rows before a cut and its AUC measured on the rows up to the
     * next cut; the setting with the best mean AUC wins. The first setting (l2 1, equal weights,
     * log-scaled) stays unless another beats it by more than {@link #MARGIN}.
     *
     * @param chosen the setting fitted on the whole training part
     * @param tried every setting with its mean validation AUC (NaN when no fold could be measured)
     * @param folds folds measured
     */
    public record Validation(Settings chosen, Map<Settings, Double> tried, int folds) {
        public static final int MAX_VALIDATION_ROWS = 60_000;
        public static final double MARGIN = 0.002;
        static final double[] L2 = {1, 0.01, 0.1, 10, 100};

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
            // 365-day half-life lost test AUC on two of ten projects and gained on none (docs/risk-model.md)
            List<Double> halfLives = new ArrayList<>();
            halfLives.add(options.halfLifeDays());
            for (boolean log : new boolean[] {true, false}) {
                for (Double halfLife : halfLives) {
                    for (double l2 : penalties) {
                        candidates.add(new Settings(l2, halfLife, log));
                    }
                }
            }
            int start = Math.max(from, to - MAX_VALIDATION_ROWS);
            int[] cuts = {start + (to - start) / 2, start + 3 * (to - start) / 4, to};
            Map<Settings, Double> tried = new java.util.LinkedHashMap<>();
            Settings best = candidates.get(0);
            double bestAuc = Double.NaN;
            int folds = 0;
            for (Settings c : candidates) {
                double sum = 0;
                int n = 0;
                for (int k = 0; k + 1 < cuts.length; k++) {
                    double auc = foldAuc(history, start, cuts[k], cuts[k + 1], c);
                    if (!Double.isNaN(auc)) {
                        sum += auc;
                        n++;
                    }
                }
                folds = Math.max(folds, n);
                double mean = n == 0 ? Double.NaN : sum / n;
                tried.put(c, mean);
                if (c == candidates.get(0)) {
                    bestAuc = mean;
                } else if (!Double.isNaN(mean) && (Double.isNaN(bestAuc) || mean > bestAuc + (best == candidates.get(0) ? MARGIN : 0))) {
                    best = c;
                    bestAuc = mean;
                }
            }
            return new Validation(best, tried, folds);
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
                fit = fit(history, start, cut, s.halfLifeDays(), s.l2(), s.log(), new ArrayList<>());
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
                Fit fit = fit(history, 0, trainRows, null, l2, false, new ArrayList<>());
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
    private static Fit fit(History history, int fitFrom, int trainRows, Double halfLifeDays, double l2, boolean log, List<String> notes) {
        int n = history.size();
        long trainEnd = history.time(trainRows - 1);
        double[] weights = null;
        if (halfLifeDays != null) {
            weights = new double[n];
            for (int i = fitFrom; i < trainRows; i++) {
                weights[i] = Math.pow(0.5, (trainEnd - history.time(i)) / DAY_MILLIS / halfLifeDays);
            }
        }
        List<Input> inputs = inputs(history, fitFrom, trainRows, log, notes);
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
            features.add(new LearnedModel.Feature(in.name, in.column, in.transform, in.mean, in.sd, beta[j + 1]));
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
        LearnedModel.Transform transform;
        double mean;
        double sd;
        double[] standardised;

        Input(String name, String column, double[] raw) {
            this.name = name;
            this.column = column;
            this.raw = raw;
        }
    }

    private static List<Input> inputs(History history, int from, int to, boolean log, List<String> notes) {
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
                Input in = new Input(metric, column, raw);
                in.transform = !log || metric.equals("entropy") || metric.equals("fix") ? LearnedModel.Transform.NONE : LearnedModel.Transform.LOG1P;
                candidates.add(in);
            }
        }
        if (!history.hasMetrics()) {
            double[] raw = new double[n];
            for (int i = 0; i < n; i++) {
                raw[i] = history.riskScore(i);
            }
            Input in = new Input(HistoryColumns.RISK_SCORE, HistoryColumns.RISK_SCORE, raw);
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
            in.transform = log && skewedCount(raw, from, to) ? LearnedModel.Transform.LOG1P : LearnedModel.Transform.NONE;
            candidates.add(in);
        }
        List<Input> inputs = new ArrayList<>();
        for (Input in : candidates) {
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = in.transform.apply(in.raw[i]);
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
