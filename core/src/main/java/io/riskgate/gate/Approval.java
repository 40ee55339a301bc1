package io.riskgate.gate;

import java.time.Instant;

/**
 * One person's decision on a waiting promotion.
 *
 * @param approved true to approve, false to reject
 * @param comment what they wrote, or null
 */
public record Approval(Approver who, boolean approved, Instant at, String comment) {
}
