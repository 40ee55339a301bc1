package io.riskgate.records;

/** How a deployment ended. FAILED and ROLLED_BACK count as change failures. */
public enum Outcome {
    SUCCEEDED, FAILED, ROLLED_BACK;

    public boolean failure() {
        return this != SUCCEEDED;
    }
}
