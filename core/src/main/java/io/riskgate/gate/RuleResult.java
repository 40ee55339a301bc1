package io.riskgate.gate;

/**
 * One rule of a gate, evaluated: whether it passed, what its failure demands, and why, in words a
 * release manager understands.
 *
 * @param passesAt when a failed rule will pass by itself (a soak time running out), or null
 * @param waits whether the promotion waits until {@code passesAt} instead of ending
 */
public record RuleResult(String id, boolean passed, GateOutcome onFailure, String reason, java.time.Instant passesAt, boolean waits) {
    public RuleResult(String id, boolean passed, GateOutcome onFailure, String reason) {
        this(id, passed, onFailure, reason, null, false);
    }

    public static RuleResult pass(String id, String reason) {
        return new RuleResult(id, true, GateOutcome.ALLOW, reason);
    }

    public static RuleResult fail(String id, GateOutcome onFailure, String reason) {
        return new RuleResult(id, false, onFailure, reason);
    }

    /** A rule that fails now and passes by itself at {@code passesAt}; the promotion may wait for it. */
    public static RuleResult until(String id, java.time.Instant passesAt, boolean waits, String reason) {
        return new RuleResult(id, false, GateOutcome.BLOCK, reason, passesAt, waits);
    }

    /** What this result demands of the promotion. */
    public GateOutcome effect() {
        return passed ? GateOutcome.ALLOW : onFailure;
    }
}
