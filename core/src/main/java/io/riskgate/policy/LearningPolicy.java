package io.riskgate.policy;

import java.io.Serializable;

/**
 * When assessments use a model learned from the record store instead of the default score: the
 * policy file's {@code learning:} section (docs/policy.md, docs/risk-model.md).
 *
 * @param model {@link Model#AUTO}: the learned model once the store holds enough outcomes, else the default; {@link Model#DEFAULT}: always the default score
 * @param minOutcomes deployments with an outcome (succeeded, failed or rolled back) and assessed metrics the model needs, in the window
 * @param minFailures of them, how many must have failed or been rolled back, and how many must have succeeded
 * @param windowDays learn from the deployments that finished in the last this many days (models drift)
 * @param environment learn from this environment's deployments only, or null for all environments
 * @param incidentsAreFailures whether a deployment an incident is linked to counts as failed, like a failed or rolled-back one
 */
public record LearningPolicy(Model model, int minOutcomes, int minFailures, int windowDays, String environment,
                             boolean incidentsAreFailures) implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int DEFAULT_MIN_OUTCOMES = 200;
    public static final int DEFAULT_MIN_FAILURES = 20;
    public static final int DEFAULT_WINDOW_DAYS = 365;

    /** Which model scores changes. */
    public enum Model {
        /** the learned model when the store holds enough outcomes, else the default score */
        AUTO,
        /** the default score, always */
        DEFAULT
    }

    public LearningPolicy {
        if (model == null) {
            model = Model.AUTO;
        }
        if (minFailures < 1) {
            throw new IllegalArgumentException("minFailures must be at least 1 (got " + minFailures + ")");
        }
        if (2L * minFailures > minOutcomes) {
            throw new IllegalArgumentException("minOutcomes (" + minOutcomes + ") must be at least twice minFailures (" + minFailures
                    + "): the model needs that many failed and that many good deployments");
        }
        if (windowDays < 1) {
            throw new IllegalArgumentException("windowDays must be at least 1 (got " + windowDays + ")");
        }
        if (environment != null && environment.isBlank()) {
            environment = null;
        }
    }

    /** A policy that counts incident-linked deployments as failures. */
    public LearningPolicy(Model model, int minOutcomes, int minFailures, int windowDays, String environment) {
        this(model, minOutcomes, minFailures, windowDays, environment, true);
    }

    public static LearningPolicy defaults() {
        return new LearningPolicy(Model.AUTO, DEFAULT_MIN_OUTCOMES, DEFAULT_MIN_FAILURES, DEFAULT_WINDOW_DAYS, null);
    }

    public LearningPolicy withModel(Model m) {
        return new LearningPolicy(m, minOutcomes, minFailures, windowDays, environment, incidentsAreFailures);
    }
}
