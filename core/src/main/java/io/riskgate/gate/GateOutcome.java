package io.riskgate.gate;

/** What a gate decides for a promotion. */
public enum GateOutcome {
    /** Every rule passed: the promotion goes ahead. */
    ALLOW,
    /** The rules allow it only with a release manager's approval. */
    NEEDS_APPROVAL,
    /** A rule is violated: the promotion does not happen. */
    BLOCK
}
