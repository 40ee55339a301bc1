package io.riskgate.learning;

import io.riskgate.RiskGateException;

/**
 * Fits a logistic regression {@code P(y = 1 | x) = 1 / (1 + exp(-(b0 + b·x)))} by Newton's method
 * (iteratively reweighted least squares), maximising the weighted log-likelihood minus an L2
 * penalty {@code l2 / 2 · |b|²} on the slopes (never the intercept):
 *
 * <pre>
 *   L(b) = Σ w_i [y_i log p_i + (1 - y_i) log(1 - p_i)] - l2 / 2 Σ_{j ≥ 1} b_j²
 * </pre>
 *
 * Each step solves {@code (XᵀWX + l2·I) Δ = Xᵀw(y - p) - l2·b} by Cholesky and is halved until the
 * objective does not decrease. The objective is concave, and strictly so when {@code l2 > 0}, so
 * Newton converges in a handful of steps; the penalty also keeps the slopes finite when the outcome
 * is separable, where the unpenalised maximum does not exist. The data is read column by column
 * ({@code x[feature][row]}), one pass per step: {@code O(n p²)} time, no copies.
 */
final class LogisticRegression {
    static final int MAX_STEPS = 100;
    private static final double TOLERANCE = 1e-10;
    private static final String UNFIT = "the logistic regression has no finite fit: the features are collinear or separate "
            + "failed from good changes exactly; use a penalty above 0 (--l2 1) or drop a --feature";

    private LogisticRegression() {
    }

    /**
     * Returns the coefficients, intercept first.
     *
     * @param x feature columns, {@code x[j][i]} is feature j of row i
     * @param y outcomes
     * @param w row weights (all 1 when null)
     * @param from first row to use
     * @param to one past the last row to use
     * @param l2 the penalty on the slopes, 0 for the plain maximum-likelihood fit
     */
    static double[] fit(double[][] x, boolean[] y, double[] w, int from, int to, double l2) {
        int p = x.length + 1;
        double[] beta = new double[p];
        double sw = 0;
        double swy = 0;
        for (int i = from; i < to; i++) {
            double wi = w == null ? 1 : w[i];
            sw += wi;
            swy += y[i] ? wi : 0;
        }
        if (swy <= 0 || swy >= sw) {
            throw new IllegalArgumentException("both outcomes are needed to fit a logistic regression");
        }
        beta[0] = Math.log(swy / (sw - swy));
        double objective = objective(x, y, w, from, to, l2, beta);
        for (int step = 0; step < MAX_STEPS; step++) {
            double[] gradient = new double[p];
            double[][] hessian = new double[p][p];
            double[] row = new double[p];
            row[0] = 1;
            for (int i = from; i < to; i++) {
                for (int j = 1; j < p; j++) {
                    row[j] = x[j - 1][i];
                }
                double prob = sigmoid(dot(beta, row));
                double wi = w == null ? 1 : w[i];
                double residual = wi * ((y[i] ? 1 : 0) - prob);
                double curvature = wi * prob * (1 - prob);
                for (int j = 0; j < p; j++) {
                    gradient[j] += residual * row[j];
                    double cj = curvature * row[j];
                    for (int k = 0; k <= j; k++) {
                        hessian[j][k] += cj * row[k];
                    }
                }
            }
            for (int j = 1; j < p; j++) {
                gradient[j] -= l2 * beta[j];
                hessian[j][j] += l2;
            }
            double[] delta = solve(hessian, gradient);
            if (delta == null) {
                throw new RiskGateException(UNFIT + " (the Newton step is singular after " + step + " steps)");
            }
            double scale = 1;
            double[] next = new double[p];
            double nextObjective;
            do {
                for (int j = 0; j < p; j++) {
                    next[j] = beta[j] + scale * delta[j];
                }
                nextObjective = objective(x, y, w, from, to, l2, next);
                scale /= 2;
            } while (nextObjective < objective - 1e-12 * Math.abs(objective) && scale > 1e-6);
            double change = 0;
            for (int j = 0; j < p; j++) {
                change = Math.max(change, Math.abs(next[j] - beta[j]) / Math.max(1, Math.abs(beta[j])));
            }
            beta = next;
            objective = nextObjective;
            if (change < TOLERANCE) {
                return beta;
            }
        }
        throw new RiskGateException(UNFIT + " (no convergence in " + MAX_STEPS + " Newton steps)");
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** The penalised weighted log-likelihood. */
    static double objective(double[][] x, boolean[] y, double[] w, int from, int to, double l2, double[] beta) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double z = beta[0];
            for (int j = 1; j < beta.length; j++) {
                z += beta[j] * x[j - 1][i];
            }
            // log p = -log(1 + e^-z), log(1 - p) = -log(1 + e^z), computed without overflow
            double logLikelihood = y[i] ? -softplus(-z) : -softplus(z);
            sum += (w == null ? 1 : w[i]) * logLikelihood;
        }
        double penalty = 0;
        for (int j = 1; j < beta.length; j++) {
            penalty += beta[j] * beta[j];
        }
        return sum - l2 / 2 * penalty;
    }

    private static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    /** Solves {@code A v = b} for a symmetric positive definite A given by its lower triangle (Cholesky); null when A is singular. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (s <= 1e-12 * Math.max(1, Math.abs(a[i][i]))) {
                        return null;
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * v[k];
            }
            v[i] = s / l[i][i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = v[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * v[k];
            }
            v[i] = s / l[i][i];
        }
        return v;
    }
}
