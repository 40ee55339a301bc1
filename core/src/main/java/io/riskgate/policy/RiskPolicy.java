package io.riskgate.policy;

import io.riskgate.risk.DetectionRules;
import io.riskgate.risk.ScoringRules;

/**
 * The policy in force for one assessment: built-in defaults with the repository's
 * {@code .riskgate.yml} (or an explicit file) over them.
 *
 * @param promotion the environments and the rules to enter each
 * @param declaresEnvironments whether the file defined {@code environments:} (otherwise the defaults stand in)
 * @param source where the policy came from, for messages ("built-in defaults" or a file path)
 * @param floorScoring scoring rules whose score the change's score may not fall below (a global policy's), or null
 * @param learning when a model learned from the record store scores changes, or null when the file has no {@code learning:} section (the defaults apply)
 */
public record RiskPolicy(ScoringRules scoring, DetectionRules detection, PromotionPolicy promotion,
                         boolean declaresEnvironments, String source, ScoringRules floorScoring, LearningPolicy learning) {
    public RiskPolicy(ScoringRules scoring, DetectionRules detection, PromotionPolicy promotion, boolean declaresEnvironments, String source) {
        this(scoring, detection, promotion, declaresEnvironments, source, null, null);
    }

    /** The learning settings in force: the file's, or the defaults. */
    public LearningPolicy learningOrDefaults() {
        return learning == null ? LearningPolicy.defaults() : learning;
    }

    public static final String DEFAULTS = "built-in defaults";

    /**
     * This policy as the global one, with a repository's policy file over it, which may tighten but
     * never loosen it: environments shared by both take the stricter rule of each pair (environments
     * only the repository names are reported in {@code notes} and ignored); detection finds what
     * either finds; and changes are scored by both sets of scoring rules, the higher score counting
     * (see {@link #scorings()}). Without environments in this policy, the repository's stand.
     * The learning settings are this policy's: a repository does not choose the model that gates it.
     */
    public RiskPolicy tightenedBy(RiskPolicy repository, java.util.List<String> notes) {
        java.util.List<String> ignored = new java.util.ArrayList<>();
        PromotionPolicy environments = declaresEnvironments
                ? promotion.tightenedBy(repository.promotion, ignored) : repository.promotion;
        if (!ignored.isEmpty()) {
            notes.add("environments " + ignored + " of " + repository.source + " are not in the global policy and were ignored");
        }
        if (repository.learning != null && !repository.learning.equals(learningOrDefaults())) {
            notes.add("the learning settings of " + repository.source + " are ignored: the global policy's apply");
        }
        return new RiskPolicy(repository.scoring, repository.detection.including(detection), environments,
                declaresEnvironments || repository.declaresEnvironments, source + " tightened by " + repository.source, scoring, learning);
    }

    /** The scoring rules to apply: the change's score is the highest of them. */
    public java.util.List<ScoringRules> scorings() {
        return floorScoring == null || floorScoring.equals(scoring) ? java.util.List.of(scoring) : java.util.List.of(scoring, floorScoring);
    }

    public static RiskPolicy defaults() {
        return new RiskPolicy(ScoringRules.defaults(), DetectionRules.defaults(), PromotionPolicy.defaults(), false, DEFAULTS);
    }
}
