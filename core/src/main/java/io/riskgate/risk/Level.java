package io.riskgate.risk;

/** How risky a change is, from its score and the policy's thresholds. */
public enum Level {
    LOW, MEDIUM, HIGH, CRITICAL;

    public boolean atLeast(Level other) {
        return compareTo(other) >= 0;
    }
}
