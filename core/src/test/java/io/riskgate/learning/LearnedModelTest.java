package io.riskgate.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.riskgate.RiskGateException;
import io.riskgate.risk.Level;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearnedModelTest {
    private static final LearnedModel MODEL = new LearnedModel("learned-2026-11-24", Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-11-24T17:00:00Z"), 1200, 240, 1.0, 90.0, -1.5, List.of(
                    new LearnedModel.Feature("linesAdded", "la", LearnedModel.Transform.LOG1P, 3.0, 1.5, 0.6),
                    new LearnedModel.Feature("entropy", "ent", LearnedModel.Transform.NONE, 0.4, 0.25, 0.2)));

    @Test
    void probabilityIsTheLogisticOfTheStandardisedInputs() {
        double z = -1.5 + 0.6 * (Math.log1p(99) - 3.0) / 1.5 + 0.2 * (0.9 - 0.4) / 0.25;
        assertThat(MODEL.probability(new double[] {99, 0.9})).isCloseTo(1 / (1 + Math.exp(-z)), within(1e-15));
        assertThat(LearnedModel.score(0.374)).isEqualTo(37);
        assertThat(LearnedModel.score(0.375)).isEqualTo(38);
        assertThat(LearnedModel.level(24)).isEqualTo(Level.LOW);
        assertThat(LearnedModel.level(25)).isEqualTo(Level.MEDIUM);
        assertThat(LearnedModel.level(75)).isEqualTo(Level.CRITICAL);
    }

    @Test
    void theModelSurvivesJson() {
        LearnedModel read = LearnedModel.fromJson(MODEL.toJson(), "model.json");
        assertThat(read).isEqualTo(MODEL);
        assertThat(MODEL.toMap()).containsEntry("model", "learned-2026-11-24").containsEntry("kind", "logistic-regression")
                .containsEntry("trainedTo", "2026-11-24T17:00:00Z").containsEntry("samples", 1200);
    }

    @Test
    void aCappedInputCountsEveryLargerValueAsItsCapAndKeepsItInJson() {
        LearnedModel capped = new LearnedModel("learned-2026-11-24", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-11-24T17:00:00Z"), 1200, 240, 1.0, null, -1.5, List.of(
                        new LearnedModel.Feature("linesAdded", "la", LearnedModel.Transform.LOG1P, 3.0, 1.5, 0.6),
                        new LearnedModel.Feature("linesAdded", "la", LearnedModel.Transform.NONE, 60, 200, 0.5, 2000)));
        double atCap = capped.probability(new double[] {2000, 2000});
        // the plain input stops at 2,000; the log1p input still grows
        double z = -1.5 + 0.6 * (Math.log1p(40_000) - 3.0) / 1.5 + 0.5 * (2000 - 60) / 200.0;
        assertThat(capped.probability(new double[] {40_000, 40_000})).isCloseTo(1 / (1 + Math.exp(-z)), within(1e-15)).isGreaterThan(atCap);
        assertThat(capped.probability(new double[] {2000, 40_000})).isEqualTo(atCap);
        assertThat(capped.probability(new double[] {1000, 1000})).isLessThan(atCap);

        LearnedModel read = LearnedModel.fromJson(capped.toJson(), "model.json");
        assertThat(read).isEqualTo(capped);
        assertThat(read.features().get(1).capped()).isTrue();
        assertThat(read.features().get(0).capped()).isFalse();
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> features = (List<java.util.Map<String, Object>>) capped.toMap().get("features");
        assertThat(features.get(0)).doesNotContainKey("cap");
        assertThat(features.get(1)).containsEntry("cap", 2000.0);
        assertThat(capped.explanation().get(0)).endsWith("(log1p and plain inputs together; above 2000 only the log1p input grows)");
    }

    @Test
    void aModelFileWithoutCapsReadsAsUncapped() {
        // a file written before inputs had caps
        String json = MODEL.toJson();
        assertThat(json).doesNotContain("\"cap\"");
        LearnedModel read = LearnedModel.fromJson(json, "old.json");
        assertThat(read.features()).noneMatch(LearnedModel.Feature::capped);
        assertThat(read.probability(new double[] {1e9, 50})).isEqualTo(MODEL.probability(new double[] {1e9, 50}));
        assertThat(LearnedModel.sentence(new LearnedModel.Feature("developers", "ndev", LearnedModel.Transform.NONE, 2, 1.5, 0.3, 9)))
                .isEqualTo("developers (ndev): each 1.50 more (one standard deviation) multiplies the odds of failure by 1.35 (riskier),"
                        + " up to 9.00 (a larger value counts as 9.00)");
    }

    @Test
    void theNameSaysTheLastTrainingDay() {
        assertThat(LearnedModel.nameFor(Instant.parse("2026-11-24T23:59:59Z"))).isEqualTo("learned-2026-11-24");
    }

    @Test
    void coefficientsAreExplainedInWords() {
        assertThat(MODEL.explanation()).containsExactly(
                "linesAdded (la): each doubling (of 1 + linesAdded) multiplies the odds of failure by 1.32 (riskier)",
                "entropy (ent): each 0.250 more (one standard deviation) multiplies the odds of failure by 1.22 (riskier)",
                "a change with every feature at its training average fails with chance 18.2%");
    }

    @Test
    void somethingElseIsNotAModel() {
        assertThatThrownBy(() -> LearnedModel.fromJson("{\"score\": 3}", "risk.json"))
                .isInstanceOf(RiskGateException.class)
                .hasMessage("model risk.json is not a learned model (no \"kind\": \"logistic-regression\"): "
                        + "pass a file written by 'riskgate backtest --save-model'");
        assertThatThrownBy(() -> LearnedModel.fromJson("{\"kind\": \"logistic-regression\", \"features\": []}", "m.json"))
                .hasMessage("model m.json has no \"model\": pass a file written by 'riskgate backtest --save-model'");
    }
}
