package io.riskgate.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.riskgate.RiskGateException;
import io.riskgate.git.Change;
import io.riskgate.risk.ChangeAnalysis;
import io.riskgate.risk.ChangeMetrics;
import io.riskgate.risk.Factor;
import io.riskgate.risk.FindingKind;
import io.riskgate.risk.Level;
import io.riskgate.risk.ReversibilityFinding;
import io.riskgate.risk.RiskAssessment;
import io.riskgate.risk.ScoringRules;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LearnedScorerTest {
    static final Change CHANGE = new Change(Path.of("."), "base", "a", "head", "b", List.of());

    /** log-odds -1.5 at the averages; lines added +1.0 per sd of log1p (typical 19, sd 1.5), subsystems +0.4 (typical 1, sd 0.3), entropy -0.2. */
    static LearnedModel model() {
        return new LearnedModel("learned-2026-11-20", Instant.parse("2025-11-21T00:00:00Z"), Instant.parse("2026-11-20T12:00:00Z"),
                400, 60, 1.0, null, -1.5, List.of(
                new LearnedModel.Feature("linesAdded", "linesAdded", LearnedModel.Transform.LOG1P, Math.log(20), 1.5, 1.0),
                new LearnedModel.Feature("subsystems", "subsystems", LearnedModel.Transform.LOG1P, Math.log(2), 0.3, 0.4),
                new LearnedModel.Feature("entropy", "entropy", LearnedModel.Transform.NONE, 0.5, 0.25, -0.2)));
    }

    static ChangeAnalysis analysis(int added, int subsystems, double entropy, List<ReversibilityFinding> findings) {
        ChangeMetrics m = new ChangeMetrics(added, 0, 3, 2, subsystems, entropy, 1, 1, 0, 0, 0, 0);
        return new ChangeAnalysis(m, findings, false, 0, false, List.of());
    }

    static int sum(RiskAssessment a) {
        return a.factors().stream().mapToInt(Factor::points).sum();
    }

    @Test
    void theSizePartIsTheModelsChanceOfFailureInPercentAndTheFactorsAddUpToIt() {
        LearnedModel model = model();
        RiskAssessment a = new LearnedScorer(model, ScoringRules.defaults()).score(CHANGE, analysis(400, 3, 0.9, List.of()));
        double p = model.probability(new double[] {400, 3, 0.9});
        assertThat(a.score()).isEqualTo((int) Math.round(100 * p));
        assertThat(sum(a)).isEqualTo(a.score());
        assertThat(a.model()).isEqualTo("learned-2026-11-20");
        assertThat(a.level()).isEqualTo(ScoringRules.defaults().thresholds().levelOf(a.score()));
        Factor baseline = a.factors().get(0);
        assertThat(baseline.id()).isEqualTo("learned.baseline");
        assertThat(baseline.points()).isEqualTo((int) Math.round(100 / (1 + Math.exp(1.5))));
        assertThat(baseline.explanation()).contains("learned from 400 deployments (60 failed, 2025-11-21 to 2026-11-20)", "18.2%");
        Factor lines = a.factors().get(1);
        assertThat(lines.id()).isEqualTo("learned.linesAdded");
        assertThat(lines.points()).isPositive();
        assertThat(lines.explanation()).contains("linesAdded 400 (typical 19): riskier than typical (odds of failure ×1.59 per doubling of 1 + linesAdded)");
        Factor entropy = a.factors().get(3);
        assertThat(entropy.points()).isNegative();   // a negative coefficient and entropy above its mean
        assertThat(entropy.explanation()).contains("entropy 0.90 (typical 0.50): safer than typical (odds of failure ×0.82 per 0.25 more)");
    }

    @Test
    void aMeasureWithALog1pAndAPlainInputIsOneFactorWithTheirPointsAndOdds() {
        // the averaged model's form: linesAdded enters as log1p (sd 1.5, +0.6) and as it is (mean 60, sd 200, +0.5)
        LearnedModel model = new LearnedModel("learned-2026-11-20", Instant.parse("2025-11-21T00:00:00Z"),
                Instant.parse("2026-11-20T12:00:00Z"), 400, 60, 1.0, null, -1.5, List.of(
                new LearnedModel.Feature("linesAdded", "la", LearnedModel.Transform.LOG1P, Math.log(20), 1.5, 0.6),
                new LearnedModel.Feature("linesAdded", "la", LearnedModel.Transform.NONE, 60, 200, 0.5),
                new LearnedModel.Feature("entropy", "entropy", LearnedModel.Transform.NONE, 0.5, 0.25, -0.2)));
        RiskAssessment a = new LearnedScorer(model, ScoringRules.defaults()).score(CHANGE, analysis(1000, 1, 0.5, List.of()));
        double p = model.probability(new double[] {1000, 1000, 0.5});
        assertThat(a.score()).isEqualTo((int) Math.round(100 * p));
        assertThat(sum(a)).isEqualTo(a.score());
        assertThat(a.factors()).extracting(Factor::id).containsExactly("learned.baseline", "learned.linesAdded", "learned.entropy");
        double odds = Math.exp(0.6 * (Math.log1p(1000) - Math.log(20)) / 1.5 + 0.5 * (1000 - 60) / 200.0);
        assertThat(a.factors().get(1).explanation())
                .contains("linesAdded 1,000 (typical 19): riskier than typical")
                .contains(String.format(java.util.Locale.ROOT, "odds of failure ×%.2f against a change with it at the training average", odds));
        assertThat(a.factors().get(1).points()).isEqualTo(a.score() - a.factors().get(0).points() - a.factors().get(2).points());
        // and the model explains it in one sentence: doubling 1 + linesAdded from its typical 19 to 39
        double doubling = Math.exp(0.6 * (Math.log1p(39) - Math.log1p(19)) / 1.5 + 0.5 * (39 - 19) / 200.0);
        assertThat(model.explanation()).hasSize(3).first().asString()
                .startsWith("linesAdded (la): from its typical 19.0, doubling 1 + linesAdded (to 39.0) multiplies the odds of failure by "
                        + String.format(java.util.Locale.ROOT, "%.2f", doubling));
    }

    @Test
    void aValueAboveItsCapIsExplainedAndTheFactorsStillAddUp() {
        LearnedModel model = new LearnedModel("learned-2026-11-20", Instant.parse("2025-11-21T00:00:00Z"),
                Instant.parse("2026-11-20T12:00:00Z"), 400, 60, 1.0, null, -1.5, List.of(
                new LearnedModel.Feature("linesAdded", "la", LearnedModel.Transform.LOG1P, Math.log(20), 1.5, 0.6),
                new LearnedModel.Feature("linesAdded", "la", LearnedModel.Transform.NONE, 60, 200, 0.5, 800),
                new LearnedModel.Feature("subsystems", "ns", LearnedModel.Transform.NONE, 1.5, 0.8, 0.3, 4)));
        LearnedScorer scorer = new LearnedScorer(model, ScoringRules.defaults());
        RiskAssessment a = scorer.score(CHANGE, analysis(30_000, 9, 0.5, List.of()));
        assertThat(a.score()).isEqualTo((int) Math.round(100 * model.probability(new double[] {30_000, 30_000, 9})));
        assertThat(sum(a)).isEqualTo(a.score());
        assertThat(a.factors().get(1).explanation()).contains("linesAdded 30,000 (typical 19): riskier than typical")
                .contains("; above 800, the most the model weighs in full, only its log1p input grows");
        assertThat(a.factors().get(2).explanation()).contains("subsystems 9 (typical 1.5): riskier than typical")
                .contains("per 0.8 more, counted as 4, the most the model weighs");
        // below the caps nothing is said about them
        RiskAssessment small = scorer.score(CHANGE, analysis(100, 2, 0.5, List.of()));
        assertThat(small.factors()).noneMatch(f -> f.explanation().contains("the most the model weighs"));
        assertThat(sum(small)).isEqualTo(small.score());
        // beyond its cap a measure with only a plain input adds nothing more; lines still do, through their log1p input
        assertThat(scorer.score(CHANGE, analysis(30_000, 20, 0.5, List.of())).score()).isEqualTo(a.score());
        assertThat(model.probability(new double[] {60_000, 60_000, 9})).isGreaterThan(model.probability(new double[] {30_000, 30_000, 9}));
    }

    @Test
    void aTypicalChangeScoresTheBaselineAndItsMeasuresNoPoints() {
        RiskAssessment a = new LearnedScorer(model(), ScoringRules.defaults()).score(CHANGE, analysis(19, 1, 0.5, List.of()));
        assertThat(a.factors().subList(1, 4)).allSatisfy(f -> {
            assertThat(f.points()).isZero();
            assertThat(f.explanation()).contains("about typical");
        });
        assertThat(a.score()).isEqualTo(18);   // 100 σ(-1.5) = 18.2
    }

    @Test
    void sharesFollowTheLogOddsContributionsAndSumExactlyWithMixedSigns() {
        // riskier by lines, safer by entropy: the shares keep their signs and still add up to round(100 p) - baseline
        LearnedScorer scorer = new LearnedScorer(model(), ScoringRules.defaults());
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            int added = random.nextInt(5000);
            int subsystems = 1 + random.nextInt(6);
            double entropy = random.nextDouble();
            List<Factor> size = scorer.sizeFactors(new ChangeMetrics(added, 0, 3, 2, subsystems, entropy, 1, 1, 0, 0, 0, 0));
            int total = size.stream().mapToInt(Factor::points).sum();
            double p = model().probability(new double[] {added, subsystems, entropy});
            assertThat(total).isEqualTo((int) Math.round(100 * p));
        }
    }

    @Test
    void apportionRoundsToWholePointsThatAddUpExactly() {
        Random random = new Random(11);
        for (int i = 0; i < 1000; i++) {
            double[] shares = new double[1 + random.nextInt(8)];
            double sum = 0;
            for (int j = 0; j < shares.length; j++) {
                shares[j] = (random.nextDouble() - 0.4) * 30;
                sum += shares[j];
            }
            int total = (int) Math.round(sum);
            int[] points = LearnedScorer.apportion(shares, total);
            int got = 0;
            for (int j = 0; j < shares.length; j++) {
                assertThat((double) points[j]).isCloseTo(shares[j], within(1.5));
                got += points[j];
            }
            assertThat(got).isEqualTo(total);
        }
        assertThat(LearnedScorer.apportion(new double[] {2.6, -1.2, 0.4}, 2)).containsExactly(3, -1, 0);
        assertThat(LearnedScorer.apportion(new double[] {2.6, -1.2, 0.45}, 3)).containsExactly(3, -1, 1);
    }

    @Test
    void reversibilityFindingsKeepThePolicysPointsAndMinimumLevels() {
        ReversibilityFinding drop = new ReversibilityFinding(FindingKind.DESTRUCTIVE_MIGRATION, "db/V2__drop.sql", 1, "DROP TABLE customers");
        RiskAssessment a = new LearnedScorer(model(), ScoringRules.defaults()).score(CHANGE, analysis(2, 1, 0.0, List.of(drop)));
        assertThat(a.factors()).extracting(Factor::id).contains("reversibility.destructive-migration");
        assertThat(a.level()).isGreaterThanOrEqualTo(Level.HIGH);
        assertThat(sum(a)).isEqualTo(a.score());
    }

    @Test
    void modelsWithInputsAnAssessmentDoesNotMeasureAreRefused() {
        LearnedModel withHistory = new LearnedModel("learned-2019-01-01", Instant.EPOCH, Instant.EPOCH, 10, 3, 1, null, 0,
                List.of(new LearnedModel.Feature("aexp", "aexp", LearnedModel.Transform.LOG1P, 1, 1, 0.5)));
        assertThatThrownBy(() -> LearnedScorer.checkScoresChanges(withHistory, "m.json"))
                .isInstanceOf(RiskGateException.class)
                .hasMessageContaining("model m.json uses 'aexp', which an assessment does not measure")
                .hasMessageContaining("without --feature");
    }
}
