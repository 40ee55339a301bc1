package io.riskgate.policy;

import io.riskgate.risk.DetectionRules;
import io.riskgate.risk.ScoringRules;

/**
 * The policy in force for one assessment: built-in defaults with the repository's
 * {@code .riskgate.yml} (or an explicit file) over them.
 *
 * @param source where the policy came from, for messages ("built-in defaults" or a file path)
 */
public record RiskPolicy(ScoringRules scoring, DetectionRules detection, String source) {
    public static RiskPolicy defaults() {
        return new RiskPolicy(ScoringRules.defaults(), DetectionRules.defaults(), "built-in defaults");
    }
}
