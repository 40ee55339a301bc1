package io.riskgate.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EvaluationTest {
    @Test
    void aucCountsTiesAsHalfAWin() {
        // failed: 0.9, 0.5, 0.5; good: 0.5, 0.3, 0.1, 0.9
        // 0.9 beats 0.5, 0.3, 0.1 and ties 0.9: 3.5; each 0.5 ties 0.5 and beats 0.3, 0.1: 2.5 -> U = 8.5 of 12 pairs
        double[] scores = {0.9, 0.5, 0.5, 0.5, 0.3, 0.1, 0.9};
        boolean[] failed = {true, true, true, false, false, false, false};
        assertThat(Evaluation.auc(scores, failed)).isCloseTo(8.5 / 12, within(1e-12));
    }

    @Test
    void aucIsOneForAPerfectRankingAndOneHalfForAConstantScore() {
        boolean[] failed = {false, true, false, true};
        assertThat(Evaluation.auc(new double[] {1, 4, 2, 3}, failed)).isEqualTo(1.0);
        assertThat(Evaluation.auc(new double[] {7, 7, 7, 7}, failed)).isEqualTo(0.5);
        assertThat(Evaluation.auc(new double[] {4, 1, 3, 2}, failed)).isEqualTo(0.0);
    }

    @Test
    void caughtSharesTheLastPlacesAmongTiedChanges() {
        double[] scores = {9, 7, 7, 7, 7, 3, 2, 2, 1, 0};
        boolean[] failed = {true, true, false, false, false, false, true, false, false, false};
        // riskiest 10%: one change, the 9, which failed: 1 of 3 failures
        assertThat(Evaluation.caught(scores, failed, 0.10)).isCloseTo(1.0 / 3, within(1e-12));
        // 5% of 10 rounds up to one change
        assertThat(Evaluation.caught(scores, failed, 0.05)).isCloseTo(1.0 / 3, within(1e-12));
        // 20%: the 9 and one of four 7s, of which one failed: 1 + 1/4 of 3
        assertThat(Evaluation.caught(scores, failed, 0.20)).isCloseTo(1.25 / 3, within(1e-12));
        // 50%: the 9, the four 7s: 2 failures
        assertThat(Evaluation.caught(scores, failed, 0.50)).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void calibrationGroupsScoresInBandsOfTen() {
        int[] score = {5, 9, 10, 95, 100};
        double[] predicted = {0.05, 0.09, 0.10, 0.95, 1.0};
        boolean[] failed = {false, true, false, true, true};
        Evaluation e = Evaluation.of(new double[] {5, 9, 10, 95, 100}, score, predicted, failed);
        assertThat(e.calibration()).containsExactly(
                new Evaluation.Bucket(0, 9, 2, 1, (0.05 + 0.09) / 2),
                new Evaluation.Bucket(10, 19, 1, 0, 0.10),
                new Evaluation.Bucket(90, 100, 2, 2, (0.95 + 1.0) / 2));
        assertThat(e.calibration().get(0).observed()).isEqualTo(0.5);
        assertThat(e.caughtAt()).containsOnlyKeys(5, 10, 20);
        assertThat(e.auc()).isEqualTo(5.0 / 6);
    }
}
