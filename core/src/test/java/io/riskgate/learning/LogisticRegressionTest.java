package io.riskgate.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.riskgate.RiskGateException;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {
    /**
     * The 23 Space Shuttle flights before Challenger: launch temperature (°F) and whether an O-ring
     * showed thermal distress (Dalal, Fowlkes and Hoadley 1989; Agresti, Categorical Data Analysis,
     * 2nd ed., section 5.1.4): the maximum-likelihood fit is logit(p) = 15.0429 - 0.2322 x.
     */
    private static final double[] TEMPERATURE = {66, 70, 69, 68, 67, 72, 73, 70, 57, 63, 70, 78, 67, 53, 67, 75, 70, 81, 76, 79, 75, 76, 58};
    private static final int[] DISTRESS = {0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1};

    @Test
    void challengerORingFitMatchesThePublishedMaximumLikelihoodEstimate() {
        boolean[] y = new boolean[DISTRESS.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = DISTRESS[i] == 1;
        }
        double[] beta = LogisticRegression.fit(new double[][] {TEMPERATURE}, y, null, 0, y.length, 0);
        assertThat(beta[0]).isCloseTo(15.0429, within(5e-4));
        assertThat(beta[1]).isCloseTo(-0.2322, within(5e-5));
        // Agresti: the estimated chance of distress at 31 °F, the Challenger launch temperature, is 0.9996
        assertThat(LogisticRegression.sigmoid(beta[0] + beta[1] * 31)).isCloseTo(0.9996, within(5e-5));
    }

    @Test
    void aBinaryFeatureGetsTheClosedFormLogOddsOfEachGroup() {
        // group 0: 2 of 10 failed; group 1: 6 of 10 failed
        double[] x = new double[20];
        boolean[] y = new boolean[20];
        for (int i = 0; i < 10; i++) {
            y[i] = i < 2;
            x[10 + i] = 1;
            y[10 + i] = i < 6;
        }
        double[] beta = LogisticRegression.fit(new double[][] {x}, y, null, 0, 20, 0);
        assertThat(beta[0]).isCloseTo(Math.log(2.0 / 8), within(1e-9));
        assertThat(beta[1]).isCloseTo(Math.log(6.0 / 4) - Math.log(2.0 / 8), within(1e-9));
    }

    @Test
    void weightsCountLikeRepeatedRows() {
        // the binary example again, each row once but with weight 2 in group 1: 12 of 20 failed there
        double[] x = new double[20];
        boolean[] y = new boolean[20];
        double[] w = new double[20];
        for (int i = 0; i < 10; i++) {
            y[i] = i < 2;
            w[i] = 1;
            x[10 + i] = 1;
            y[10 + i] = i < 6;
            w[10 + i] = 2;
        }
        double[] beta = LogisticRegression.fit(new double[][] {x}, y, w, 0, 20, 0);
        assertThat(beta[1]).isCloseTo(Math.log(6.0 / 4) - Math.log(2.0 / 8), within(1e-9));
    }

    @Test
    void aSeparableOutcomeGetsFiniteSlopesFromThePenaltyAtItsOptimum() {
        double[] x = {1, 2, 3, 4, 5, 6};
        boolean[] y = {false, false, false, true, true, true};
        double l2 = 1;
        double[] beta = LogisticRegression.fit(new double[][] {x}, y, null, 0, 6, l2);
        // the optimum of the penalised likelihood: sum(y - p) = 0 and sum(x (y - p)) = l2 * slope
        double intercept = 0;
        double slope = 0;
        for (int i = 0; i < x.length; i++) {
            double r = (y[i] ? 1 : 0) - LogisticRegression.sigmoid(beta[0] + beta[1] * x[i]);
            intercept += r;
            slope += x[i] * r;
        }
        assertThat(intercept).isCloseTo(0, within(1e-9));
        assertThat(slope).isCloseTo(l2 * beta[1], within(1e-9));
        assertThat(beta[1]).isBetween(0.5, 10.0);
        // symmetric data: the chance is one half midway, at 3.5
        assertThat(beta[0] + 3.5 * beta[1]).isCloseTo(0, within(1e-9));
    }

    @Test
    void aSeparableOutcomeWithoutPenaltyIsReportedNotReturnedAsHugeNumbers() {
        double[] x = {1, 2, 3, 4, 5, 6};
        boolean[] y = {false, false, false, true, true, true};
        assertThatThrownBy(() -> LogisticRegression.fit(new double[][] {x}, y, null, 0, 6, 0))
                .isInstanceOf(RiskGateException.class)
                .hasMessageStartingWith("the logistic regression has no finite fit: the features are collinear or separate "
                        + "failed from good changes exactly; use a penalty above 0 (--l2 1) or drop a --feature (");
    }

    @Test
    void onlyTheRowsInRangeAreFitted() {
        boolean[] y = new boolean[DISTRESS.length + 2];
        double[] x = new double[DISTRESS.length + 2];
        for (int i = 0; i < DISTRESS.length; i++) {
            y[i + 1] = DISTRESS[i] == 1;
            x[i + 1] = TEMPERATURE[i];
        }
        x[0] = 200;
        x[x.length - 1] = -200;
        double[] beta = LogisticRegression.fit(new double[][] {x}, y, null, 1, 1 + DISTRESS.length, 0);
        assertThat(beta[1]).isCloseTo(-0.2322, within(5e-5));
    }
}
