package io.riskgate.learning;

import io.riskgate.git.Change;
import io.riskgate.risk.ChangeAnalysis;
import io.riskgate.risk.ChangeMetrics;
import io.riskgate.risk.RiskScorer;
import io.riskgate.risk.ScoringRules;
import java.nio.file.Path;
import java.util.List;

/**
 * The product's default score of a past change from its metrics alone: {@link RiskScorer} with
 * {@link ScoringRules#defaults()} on a change without reversibility findings, that is the size
 * score (docs/scoring.md, section 2). A history does not say what the changes did to migrations,
 * infrastructure or dependencies, so those factors are not in a backtest.
 */
final class DefaultModel {
    private final RiskScorer scorer = new RiskScorer(ScoringRules.defaults());
    private final Change change;

    DefaultModel(String source) {
        this.change = new Change(Path.of(""), source, "", source, "", List.of());
    }

    /** The default score (0..100) of row {@code row}, or its {@code riskScore} column when the history has no metrics. */
    int score(History history, int row) {
        if (!history.hasMetrics()) {
            return (int) Math.round(history.riskScore(row));
        }
        ChangeMetrics metrics = new ChangeMetrics(count(history, 0, row), count(history, 1, row), count(history, 2, row),
                count(history, 3, row), count(history, 4, row), history.metric(5, row), count(history, 6, row),
                count(history, 7, row), 0, 0, 0, 0);
        ChangeAnalysis analysis = new ChangeAnalysis(metrics, List.of(), false, 0, false, List.of());
        return scorer.score(change, analysis).score();
    }

    private static int count(History history, int metric, int row) {
        return (int) Math.min(Integer.MAX_VALUE, Math.round(Math.max(0, history.metric(metric, row))));
    }
}
