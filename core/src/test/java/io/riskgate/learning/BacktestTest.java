package io.riskgate.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.riskgate.RiskGateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestTest {
    @TempDir
    Path tmp;

    private static final HistoryColumns SYNTHETIC = new HistoryColumns("bug", "t",
            Map.of("linesAdded", "la", "files", "nf"), List.of("ndev"));

    /**
     * One change a day: lines added log-normal, files grow with lines, {@code ndev} (not part of the
     * default score) doubles the odds of failure per step; failures depend on log(1 + la) and ndev.
     */
    private Path synthetic(int rows, long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("t,bug,la,nf,ndev\n");
        for (int i = 0; i < rows; i++) {
            long la = Math.round(Math.exp(3 + 1.5 * random.nextGaussian()));
            long nf = 1 + la / 40 + random.nextInt(3);
            int ndev = random.nextInt(6);
            double z = -4.5 + 0.6 * Math.log1p(la) + 0.7 * ndev;
            boolean bug = random.nextDouble() < 1 / (1 + Math.exp(-z));
            csv.append(1_700_000_000L + i * 86_400L).append(',').append(bug ? "True" : "False").append(',')
                    .append(la).append(',').append(nf).append(',').append(ndev).append('\n');
        }
        Path file = tmp.resolve("synthetic.csv");
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void trainsOnTheOldestRowsAndComparesOnTheNewest() throws IOException {
        History h = History.read(synthetic(5000, 42), SYNTHETIC, null);
        BacktestResult r = Backtest.run(h, Backtest.Options.defaults());
        assertThat(r.rows()).isEqualTo(5000);
        assertThat(r.trainRows()).isEqualTo(3000);
        assertThat(r.fitRows()).isEqualTo(3000);
        assertThat(r.testRows()).isEqualTo(2000);
        assertThat(r.trainPositives() + r.testPositives()).isEqualTo(r.positives());
        assertThat(r.trainTo()).isEqualTo(java.time.Instant.ofEpochSecond(1_700_000_000L + 2999 * 86_400L));
        assertThat(r.testFrom()).isEqualTo(java.time.Instant.ofEpochSecond(1_700_000_000L + 3000 * 86_400L));
        assertThat(r.model().name()).isEqualTo(LearnedModel.nameFor(r.trainTo()));
        // the averaged model: the log1p and the plain input of each count; ndev (not skewed) as it is in every part
        assertThat(r.model().features()).extracting(LearnedModel.Feature::name)
                .containsExactly("linesAdded", "linesAdded", "files", "files", "ndev");
        assertThat(r.model().features()).extracting(LearnedModel.Feature::transform)
                .containsExactly(LearnedModel.Transform.LOG1P, LearnedModel.Transform.NONE, LearnedModel.Transform.LOG1P,
                        LearnedModel.Transform.NONE, LearnedModel.Transform.NONE);
        // the learned model sees ndev, the default score cannot: it must rank better
        assertThat(r.learned().auc()).isGreaterThan(r.defaults().auc() + 0.05);
        assertThat(r.defaults().auc()).isGreaterThan(0.55);
        // ndev's true effect is 0.7 per unit: per standard deviation (about 1.7) about 1.2
        LearnedModel.Feature ndev = r.model().features().get(4);
        assertThat(ndev.coefficient() / ndev.sd()).isCloseTo(0.7, within(0.1));
        assertThat(r.learned().caughtAt()).containsOnlyKeys(5, 10, 20);
        assertThat(r.learned().caughtAt().get(5)).isLessThanOrEqualTo(r.learned().caughtAt().get(10));
    }

    @Test
    void settingsAreChosenInsideTheTrainingPartAndTheBaselineIsPlain() throws IOException {
        Path file = synthetic(3000, 5);
        BacktestResult r = Backtest.run(History.read(file, SYNTHETIC, null), Backtest.Options.defaults());
        // the same training part with every test outcome flipped: nothing the model or its settings depend on changes
        List<String> lines = Files.readAllLines(file);
        for (int i = 1 + 1800; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            f[1] = f[1].equals("True") ? "False" : "True";
            lines.set(i, String.join(",", f));
        }
        Path flipped = tmp.resolve("flipped.csv");
        Files.write(flipped, lines);
        BacktestResult f = Backtest.run(History.read(flipped, SYNTHETIC, null), Backtest.Options.defaults());
        assertThat(f.validation()).isEqualTo(r.validation());
        assertThat(f.model()).isEqualTo(r.model());
        assertThat(f.learned().auc()).isCloseTo(1 - r.learned().auc(), within(1e-9));
        assertThat(r.validation().tried()).hasSize(6);
        assertThat(r.validation().folds()).isEqualTo(2);
        assertThat(r.validation().tried().keySet()).extracting(Backtest.Settings::scaling).containsExactly(Backtest.Scaling.AVERAGED,
                Backtest.Scaling.AVERAGED, Backtest.Scaling.AVERAGED, Backtest.Scaling.AVERAGED, Backtest.Scaling.AVERAGED,
                Backtest.Scaling.NONE);
        assertThat(r.validation().chosen().scaling()).as("the data are log-linear").isEqualTo(Backtest.Scaling.AVERAGED);
        assertThat(r.validation().margin()).isGreaterThanOrEqualTo(Backtest.Validation.MIN_MARGIN);
        assertThat(r.model().l2()).isEqualTo(r.validation().chosen().l2());
        // the baseline: every input as it is, no penalty
        assertThat(r.baselineModel().l2()).isZero();
        assertThat(r.baselineModel().halfLifeDays()).isNull();
        assertThat(r.baselineModel().features()).extracting(LearnedModel.Feature::transform).containsOnly(LearnedModel.Transform.NONE);
        assertThat(r.learned().auc()).isGreaterThan(r.baseline().auc());
        // a penalty given is kept
        BacktestResult fixed = Backtest.run(History.read(file, SYNTHETIC, null), new Backtest.Options(0.6, null, null, 3.0));
        assertThat(fixed.validation().tried().keySet()).extracting(Backtest.Settings::l2).containsOnly(3.0);
        assertThat(fixed.model().l2()).isEqualTo(3.0);
    }

    @Test
    void whenFailuresFollowTheRawCountsTheLearnedModelIsNotWorseThanThePlainBaseline() throws IOException {
        // the odds grow with lines added as they are (not with their logarithm) and fall with files: a log1p-only model
        // ranks these up to 0.03 AUC below the plain baseline, the averaged model up to 0.02; where the gap is clear,
        // validation picks the plain form
        List<Backtest.Scaling> chosen = new java.util.ArrayList<>();
        for (long seed : new long[] {3, 11, 29}) {
            Random random = new Random(seed);
            StringBuilder csv = new StringBuilder("t,bug,la,nf,ndev\n");
            for (int i = 0; i < 3000; i++) {
                long la = Math.round(Math.exp(4 + 1.2 * random.nextGaussian()));
                long nf = 1 + random.nextInt(5);
                double z = -4 + 0.03 * la - 0.8 * nf;
                boolean bug = random.nextDouble() < 1 / (1 + Math.exp(-z));
                csv.append(1_700_000_000L + i * 86_400L).append(',').append(bug).append(',').append(la).append(',').append(nf)
                        .append(',').append(random.nextInt(4)).append('\n');
            }
            Path file = tmp.resolve("raw-" + seed + ".csv");
            Files.writeString(file, csv);
            BacktestResult r = Backtest.run(History.read(file, SYNTHETIC, null), Backtest.Options.defaults());
            chosen.add(r.validation().chosen().scaling());
            assertThat(r.learned().auc()).as("seed %d", seed).isGreaterThanOrEqualTo(r.baseline().auc() - 0.01);
        }
        assertThat(chosen).contains(Backtest.Scaling.NONE);
    }

    @Test
    void aWindowAndRecencyWeightsChangeWhatTheModelIsFittedOn() throws IOException {
        History h = History.read(synthetic(2000, 7), SYNTHETIC, null);
        BacktestResult windowed = Backtest.run(h, new Backtest.Options(0.5, 365, null, 1.0));
        assertThat(windowed.trainRows()).isEqualTo(1000);
        assertThat(windowed.fitRows()).isEqualTo(366); // one change a day: the newest training day and the 365 before it
        assertThat(windowed.model().samples()).isEqualTo(366);
        BacktestResult weighted = Backtest.run(h, new Backtest.Options(0.5, null, 30.0, 1.0));
        assertThat(weighted.model().halfLifeDays()).isEqualTo(30.0);
        assertThat(weighted.model().intercept()).isNotEqualTo(Backtest.run(h, new Backtest.Options(0.5, null, null, 1.0)).model().intercept());
    }

    @Test
    void theRecordsExportIsBacktestedOnItsRiskScore() throws IOException {
        Path file = tmp.resolve("records.csv");
        Files.copy(getClass().getResourceAsStream("/learning/records.csv"), file);
        BacktestResult r = Backtest.run(History.read(file, HistoryColumns.defaults(), null), new Backtest.Options(0.5, null, null, 1.0));
        assertThat(r.rows()).isEqualTo(10);
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(r.trainRows()).isEqualTo(5);
        assertThat(r.testRows()).isEqualTo(5);
        assertThat(r.defaultScore()).isEqualTo(BacktestResult.DEFAULT_FROM_RISK_SCORE);
        // test part, oldest first: r7 5 good, r8 30 good, r9 80 failed, r10 15 good, r11 40 good: a perfect ranking
        assertThat(r.defaults().auc()).isEqualTo(1.0);
        assertThat(r.learned().auc()).isEqualTo(1.0);
        assertThat(r.model().features()).extracting(LearnedModel.Feature::name).containsExactly("riskScore");
        assertThat(r.model().features().get(0).coefficient()).isPositive();
        assertThat(r.defaults().caughtAt()).containsEntry(5, 1.0).containsEntry(10, 1.0).containsEntry(20, 1.0);
    }

    @Test
    void aSingleOutcomeAnywhereIsBadInput() throws IOException {
        Path none = tmp.resolve("none.csv");
        Files.writeString(none, "t,bug,la\n1,0,1\n2,0,5\n3,0,2\n");
        HistoryColumns columns = new HistoryColumns("bug", "t", Map.of("linesAdded", "la"), List.of());
        History noFailures = History.read(none, columns, null);
        assertThatThrownBy(() -> Backtest.run(noFailures, Backtest.Options.defaults()))
                .isInstanceOf(RiskGateException.class)
                .hasMessage("history " + none + " has only good changes (3 rows): a backtest needs both outcomes; check the outcome column");

        Path late = tmp.resolve("late.csv");
        Files.writeString(late, "t,bug,la\n1,0,1\n2,0,5\n3,0,2\n4,1,9\n5,0,1\n");
        History lateFailures = History.read(late, columns, null);
        assertThatThrownBy(() -> Backtest.run(lateFailures, Backtest.Options.defaults()))
                .hasMessage("the training part (the oldest 3 rows) of history " + late + " has only good changes: a backtest needs "
                        + "both outcomes on each side; change --train-fraction or use a longer history");

        Path early = tmp.resolve("early.csv");
        Files.writeString(early, "t,bug,la\n1,1,1\n2,0,5\n3,0,2\n4,0,9\n5,0,1\n");
        History earlyFailures = History.read(early, columns, null);
        assertThatThrownBy(() -> Backtest.run(earlyFailures, Backtest.Options.defaults()))
                .hasMessage("the test part (the newest 2 rows) of history " + early + " has only good changes: a backtest needs "
                        + "both outcomes on each side; change --train-fraction or use a longer history");
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> new Backtest.Options(1.0, null, null, 1.0))
                .isInstanceOf(RiskGateException.class)
                .hasMessage("--train-fraction must be above 0 and below 1 (got 1.0): e.g. 0.6 trains on the oldest 60% of the changes "
                        + "and tests on the newest 40%");
        assertThatThrownBy(() -> new Backtest.Options(0.6, 0, null, 1.0))
                .hasMessage("--window-days must be at least 1 (got 0): leave it out to train on every training row");
        assertThatThrownBy(() -> new Backtest.Options(0.6, null, -3.0, 1.0))
                .hasMessage("--half-life-days must be above 0 (got -3.0): leave it out to weigh every row the same");
        assertThatThrownBy(() -> new Backtest.Options(0.6, null, null, -1.0))
                .hasMessage("--l2 must be 0 or more (got -1.0): 1 is a light penalty, 0 none");
    }

    @Test
    void aFractionThatLeavesOneSideEmptyIsBadInput() throws IOException {
        Path file = tmp.resolve("tiny.csv");
        Files.writeString(file, "t,bug,la\n1,1,1\n2,0,5\n");
        History h = History.read(file, new HistoryColumns("bug", "t", Map.of("linesAdded", "la"), List.of()), null);
        assertThatThrownBy(() -> Backtest.run(h, new Backtest.Options(0.3, null, null, 1.0)))
                .hasMessage("--train-fraction 0.3 leaves no training rows of 2: use a fraction that leaves rows on both sides, e.g. 0.6");
    }

    @Test
    void theLearnedModelCapsTheMeasuresItTakesAsTheyAreAndThePlainBaselineDoesNot() throws IOException {
        History h = History.read(synthetic(5000, 42), SYNTHETIC, null);
        BacktestResult r = Backtest.run(h, Backtest.Options.defaults());
        List<LearnedModel.Feature> f = r.model().features();
        // linesAdded and files as they are: capped at their 99th percentile in the 3,000 training rows; log1p inputs and the
        // extra feature ndev are not
        double[] lines = new double[h.size()];
        double[] files = new double[h.size()];
        for (int i = 0; i < h.size(); i++) {
            lines[i] = h.metric(0, i);
            files[i] = h.metric(2, i);
        }
        assertThat(f.get(1).cap()).isEqualTo(Backtest.cap(lines, 0, 3000));
        assertThat(f.get(3).cap()).isEqualTo(Backtest.cap(files, 0, 3000));
        double[] sorted = java.util.Arrays.copyOf(lines, 3000);
        java.util.Arrays.sort(sorted);
        assertThat(f.get(1).cap()).isEqualTo(sorted[2969]).isLessThan(sorted[2999]);
        assertThat(List.of(f.get(0), f.get(2), f.get(4))).noneMatch(LearnedModel.Feature::capped);
        assertThat(r.baselineModel().features()).noneMatch(LearnedModel.Feature::capped);
        // a change ten times the largest training one scores as one at the cap in the plain input
        double[] huge = {10 * sorted[2999], 10 * sorted[2999], 3, 3, 2};
        double[] atCap = {10 * sorted[2999], f.get(1).cap(), 3, 3, 2};
        assertThat(r.model().probability(huge)).isEqualTo(r.model().probability(atCap));
    }

    @Test
    void aCapIsTheNinetyNinthPercentileOfTheFittedRows() {
        double[] v = new double[1100];
        for (int i = 0; i < v.length; i++) {
            v[i] = i < 100 ? 1e6 : i - 99;   // rows 100..1099 hold 1..1000
        }
        assertThat(Backtest.cap(v, 100, 1100)).isEqualTo(990);
        assertThat(Backtest.cap(v, 0, 1100)).isEqualTo(1e6);
        // the value at place floor(0.99 (n - 1)) in ascending order: with few rows, the second largest
        assertThat(Backtest.cap(new double[] {5, 1, 9, 2}, 0, 4)).isEqualTo(5);
        // a cap that would make the measure constant is none
        double[] zeros = new double[1000];
        zeros[999] = 7;
        assertThat(Backtest.cap(zeros, 0, 1000)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    /**
     * Why the cap: the odds grow with lines added, but the 0.6% bulk changes (imports, generated code, 20,000 lines and
     * more, far beyond almost every other change) fail no more often than a small one. A linear term on the raw values
     * has to fit those too: they flatten its slope and rank every bulk change above the rest. Capped at the 99th
     * percentile of the fitted rows, the same linear term ranks the other changes as their lines say. Where the tail
     * follows the trend instead, the cap costs about nothing.
     */
    @Test
    void aCappedLinearTermRanksBetterThanAnUncappedOneWhenTheTailIsFarOut() {
        double[] outlying = capAgainstLinear(true);
        assertThat(outlying[0]).isGreaterThan(outlying[1] + 0.03);
        double[] trend = capAgainstLinear(false);
        assertThat(trend[0]).isGreaterThan(trend[1] - 0.002);
    }

    /** The mean test AUC over three seeds of a two-input fit with lines capped, and with lines as they are. */
    private static double[] capAgainstLinear(boolean bulkFailsLikeSmall) {
        double capped = 0;
        double uncapped = 0;
        for (long seed : new long[] {1, 2, 3}) {
            Random random = new Random(seed);
            int n = 6000;
            double[] lines = new double[n];
            double[] other = new double[n];
            boolean[] failed = new boolean[n];
            for (int i = 0; i < n; i++) {
                boolean bulk = random.nextDouble() < 0.006;
                lines[i] = bulk ? 20_000 + random.nextInt(200_000) : Math.exp(3.5 + random.nextGaussian());
                other[i] = random.nextInt(2);
                double z = (bulk && bulkFailsLikeSmall ? -3 : -3 + 3 * Math.min(lines[i], 1000) / 300) + 1.5 * other[i];
                failed[i] = random.nextDouble() < 1 / (1 + Math.exp(-z));
            }
            double cap = Backtest.cap(lines, 0, n / 2);
            assertThat(cap).isLessThan(20_000);
            double[] clipped = new double[n];
            for (int i = 0; i < n; i++) {
                clipped[i] = Math.min(lines[i], cap);
            }
            capped += testAuc(clipped, other, failed) / 3;
            uncapped += testAuc(lines, other, failed) / 3;
        }
        return new double[] {capped, uncapped};
    }

    /** Fits a two-input logistic regression (standardised on the first half) on the first half; its AUC on the second. */
    private static double testAuc(double[] a, double[] b, boolean[] failed) {
        int n = failed.length;
        int half = n / 2;
        double[][] x = {standardised(a, half), standardised(b, half)};
        double[] beta = LogisticRegression.fit(x, failed, null, 0, half, 0.01);
        double[] scores = new double[n - half];
        boolean[] outcomes = new boolean[n - half];
        for (int i = half; i < n; i++) {
            scores[i - half] = beta[0] + beta[1] * x[0][i] + beta[2] * x[1][i];
            outcomes[i - half] = failed[i];
        }
        return Evaluation.auc(scores, outcomes);
    }

    private static double[] standardised(double[] v, int rows) {
        double mean = java.util.Arrays.stream(v, 0, rows).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(v, 0, rows).map(x -> (x - mean) * (x - mean)).sum() / rows);
        return java.util.Arrays.stream(v).map(x -> (x - mean) / sd).toArray();
    }

    @Test
    void skewedNonNegativeFeaturesAreLogScaled() {
        assertThat(Backtest.skewedCount(new double[] {0, 1, 1, 2, 1, 0, 50}, 0, 7)).isTrue();
        assertThat(Backtest.skewedCount(new double[] {1, 2, 3, 4, 5}, 0, 5)).isFalse();
        assertThat(Backtest.skewedCount(new double[] {-1, 0, 0, 0, 40}, 0, 5)).isFalse();
    }
}
