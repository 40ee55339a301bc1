package io.riskgate.risk;

/** One contribution to the score, with the sentence that explains it. The factors' points add up to the score. */
public record Factor(String id, int points, String explanation) {
}
