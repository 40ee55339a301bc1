package io.riskgate.learning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well a score ranks and predicts failures on changes it was not fitted on.
 *
 * @param auc the area under the ROC curve: the chance that a failed change scores above a good one,
 *            ties counting half (the Mann-Whitney U statistic divided by positives × negatives)
 * @param caughtAt gating share in percent (5, 10, 20) to the share of all failed changes among the
 *                 riskiest that many changes
 * @param calibration predicted against observed failure rate in bands of 10 score points
 */
public record Evaluation(double auc, Map<Integer, Double> caughtAt, List<Bucket> calibration) {
    /** The gating shares reported, in percent. */
    public static final List<Integer> GATED = List.of(5, 10, 20);

    public Evaluation {
        caughtAt = Collections.unmodifiableMap(new LinkedHashMap<>(caughtAt));
        calibration = List.copyOf(calibration);
    }

    /**
     * One band of scores.
     *
     * @param from lowest score of the band
     * @param to highest score of the band
     * @param rows changes in the band
     * @param failures failed changes in the band
     * @param predicted the mean predicted chance of failure (for the default score: score / 100)
     */
    public record Bucket(int from, int to, int rows, int failures, double predicted) {
        public double observed() {
            return rows == 0 ? 0 : (double) failures / rows;
        }
    }

    /**
     * Evaluates a ranking score and its 0..100 score.
     *
     * @param ranking what orders the changes (higher is riskier)
     * @param score the 0..100 score of each change, for the calibration bands
     * @param predicted the predicted chance of failure of each change
     * @param failed the outcomes
     */
    static Evaluation of(double[] ranking, int[] score, double[] predicted, boolean[] failed) {
        Map<Integer, Double> caught = new LinkedHashMap<>();
        for (int percent : GATED) {
            caught.put(percent, caught(ranking, failed, percent / 100.0));
        }
        return new Evaluation(auc(ranking, failed), caught, calibration(score, predicted, failed));
    }

    /**
     * The area under the ROC curve by Mann-Whitney: for every failed change, the good changes that
     * score lower, plus half of those that score the same, over positives × negatives.
     */
    static double auc(double[] scores, boolean[] failed) {
        double[] pos = split(scores, failed, true);
        double[] neg = split(scores, failed, false);
        if (pos.length == 0 || neg.length == 0) {
            throw new IllegalArgumentException("the AUC needs both failed and good changes");
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        double u = 0;
        int below = 0;
        int upTo = 0;
        for (double s : pos) {
            while (below < neg.length && neg[below] < s) {
                below++;
            }
            upTo = Math.max(upTo, below);
            while (upTo < neg.length && neg[upTo] == s) {
                upTo++;
            }
            u += below + (upTo - below) / 2.0;
        }
        return u / ((double) pos.length * neg.length);
    }

    /**
     * The standard error of an AUC measured on {@code positives} failed and {@code negatives} good
     * changes (Hanley and McNeil, "The meaning and use of the area under a receiver operating
     * characteristic (ROC) curve", Radiology 143, 1982).
     */
    static double aucStandardError(double auc, int positives, int negatives) {
        double q1 = auc / (2 - auc);
        double q2 = 2 * auc * auc / (1 + auc);
        double variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc))
                / ((double) positives * negatives);
        return Math.sqrt(Math.max(0, variance));
    }

    /**
     * The share of all failed changes among the riskiest {@code ceil(share × n)} changes. Changes
     * that tie with the last one gated share the remaining places in proportion: the count is
     * what a random order among equal scores catches on average, so it does not depend on the
     * file's order.
     */
    static double caught(double[] scores, boolean[] failed, double share) {
        int n = scores.length;
        int gated = (int) Math.min(n, Math.ceil(share * n - 1e-9));
        int failures = 0;
        for (boolean f : failed) {
            failures += f ? 1 : 0;
        }
        if (gated == 0 || failures == 0) {
            return 0;
        }
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double cut = sorted[n - gated];
        int above = 0;
        int failedAbove = 0;
        int tied = 0;
        int failedTied = 0;
        for (int i = 0; i < n; i++) {
            if (scores[i] > cut) {
                above++;
                failedAbove += failed[i] ? 1 : 0;
            } else if (scores[i] == cut) {
                tied++;
                failedTied += failed[i] ? 1 : 0;
            }
        }
        double caught = failedAbove + (double) (gated - above) * failedTied / tied;
        return caught / failures;
    }

    private static List<Bucket> calibration(int[] score, double[] predicted, boolean[] failed) {
        int[] rows = new int[10];
        int[] failures = new int[10];
        double[] sum = new double[10];
        for (int i = 0; i < score.length; i++) {
            int b = Math.min(9, Math.max(0, score[i] / 10));
            rows[b]++;
            failures[b] += failed[i] ? 1 : 0;
            sum[b] += predicted[i];
        }
        List<Bucket> buckets = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            if (rows[b] > 0) {
                buckets.add(new Bucket(b * 10, b == 9 ? 100 : b * 10 + 9, rows[b], failures[b], sum[b] / rows[b]));
            }
        }
        return buckets;
    }

    private static double[] split(double[] scores, boolean[] failed, boolean which) {
        int n = 0;
        for (boolean f : failed) {
            n += f == which ? 1 : 0;
        }
        double[] out = new double[n];
        int k = 0;
        for (int i = 0; i < scores.length; i++) {
            if (failed[i] == which) {
                out[k++] = scores[i];
            }
        }
        return out;
    }
}
