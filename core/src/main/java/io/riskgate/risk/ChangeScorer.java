package io.riskgate.risk;

import io.riskgate.git.Change;

/**
 * Turns an analysed change into a scored one whose factors add up to the score: the default
 * {@link RiskScorer}, or a model learned from the team's own outcomes.
 */
public interface ChangeScorer {
    RiskAssessment score(Change change, ChangeAnalysis analysis);
}
