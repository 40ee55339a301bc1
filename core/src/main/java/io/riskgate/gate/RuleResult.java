package io.riskgate.gate;

/**
 * One rule of a gate, evaluated: whether it passed, what its failure demands, and why, in words a
 * release manager understands.
 */
public record RuleResult(String id, boolean passed, GateOutcome onFailure, String reason) {
    public static RuleResult pass(String id, String reason) {
        return new RuleResult(id, true, GateOutcome.ALLOW, reason);
    }

    public static RuleResult fail(String id, GateOutcome onFailure, String reason) {
        return new RuleResult(id, false, onFailure, reason);
    }

    /** What this result demands of the promotion. */
    public GateOutcome effect() {
        return passed ? GateOutcome.ALLOW : onFailure;
    }
}
