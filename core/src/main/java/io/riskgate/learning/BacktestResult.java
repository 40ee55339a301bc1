package io.riskgate.learning;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a backtest found: the split, and the default score and the learned model evaluated side by
 * side on the test part.
 *
 * @param rows changes read (deployed ones: the export's never-deployed rows are skipped)
 * @param skipped rows of the change records' export that were never deployed
 * @param trainRows the oldest rows, the training part
 * @param fitRows training rows the model was fitted on (fewer than trainRows with a window)
 * @param testRows the newest rows, the test part
 * @param positives failed changes in all rows
 * @param defaultScore how the default score was computed ({@link #DEFAULT_FROM_METRICS} or {@link #DEFAULT_FROM_RISK_SCORE})
 * @param metricColumns metric name to the column it was read from
 * @param entropyInBits the entropy column was in bits and normalised by log2 of the files
 * @param notes things the reader should know (features left out)
 * @param baseline the plain logistic regression (inputs as they are, no penalty, no window, equal weights) on the same inputs
 * @param baselineModel its fit on the training part
 * @param validation how the learned model's settings were chosen inside the training part
 */
public record BacktestResult(String source, int rows, int skipped, int trainRows, int fitRows, int testRows, int positives,
                             int trainPositives, int testPositives, Instant trainFrom, Instant trainTo, Instant testFrom,
                             Instant testTo, String defaultScore, Map<String, String> metricColumns, boolean entropyInBits,
                             List<String> notes, Backtest.Options options, Evaluation defaults, Evaluation learned,
                             LearnedModel model, Evaluation baseline, LearnedModel baselineModel, Backtest.Validation validation) {
    public static final String DEFAULT_FROM_METRICS = "the default RiskScorer size score of the mapped metrics";
    public static final String DEFAULT_FROM_RISK_SCORE = "the riskScore column";
    /** The baseline's name in reports. */
    public static final String BASELINE = "plain-logistic";

    public BacktestResult {
        metricColumns = Map.copyOf(metricColumns);
        notes = List.copyOf(notes);
    }
}
