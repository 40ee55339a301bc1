package io.riskgate.policy;

import java.io.Serializable;

/**
 * An environment's {@code requireReviewedFailures} rule: while the pipeline has failures in the
 * environment (failed, rolled back or linked to an incident) that have waited longer than
 * {@code olderThanDays} for a post-incident review, promotions need approval, or are blocked.
 */
public record ReviewRule(int olderThanDays, Action action) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What an overdue review does to a promotion. */
    public enum Action { APPROVE, BLOCK }

    public ReviewRule {
        if (olderThanDays < 0) {
            throw new IllegalArgumentException("olderThanDays cannot be negative (got " + olderThanDays + ")");
        }
        if (action == null) {
            action = Action.APPROVE;
        }
    }

    /** The stricter of two rules (either may be null): the shorter wait, and block over approve. */
    static ReviewRule stricter(ReviewRule a, ReviewRule b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return new ReviewRule(Math.min(a.olderThanDays, b.olderThanDays),
                a.action == Action.BLOCK || b.action == Action.BLOCK ? Action.BLOCK : Action.APPROVE);
    }
}
