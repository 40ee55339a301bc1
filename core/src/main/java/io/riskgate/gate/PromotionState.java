package io.riskgate.gate;

/** Where a promotion stands: waiting, deciding, running, verifying, rolling back, or settled. */
public enum PromotionState {
    /** Waiting for approvals (a release manager, a quorum). */
    WAITING_FOR_APPROVAL,
    /** Waiting for the soak time in the previous environment; the gate is evaluated again then. */
    WAITING_FOR_SOAK,
    /** Decided, waiting for its turn: another promotion of the pipeline holds the environment. */
    QUEUED,
    /** The deployment (the step's body) runs. */
    RUNNING,
    /** The deployment succeeded; its verification runs. */
    VERIFYING,
    /** The deployment or its verification failed; the declared rollback runs. */
    ROLLING_BACK,
    BLOCKED, REJECTED, EXPIRED,
    /** A newer build of the pipeline was promoted to the environment before this one deployed. */
    SUPERSEDED,
    SUCCEEDED, FAILED, ROLLED_BACK, ABORTED;

    /** Whether the promotion is over. */
    public boolean settled() {
        return ordinal() >= BLOCKED.ordinal();
    }

    /** Whether it has not begun to deploy: a newer build supersedes it. */
    public boolean waits() {
        return this == WAITING_FOR_APPROVAL || this == WAITING_FOR_SOAK || this == QUEUED;
    }

    /** Whether it holds its environment (no other promotion of the pipeline deploys there meanwhile). */
    public boolean holdsEnvironment() {
        return this == RUNNING || this == VERIFYING || this == ROLLING_BACK;
    }

    /** Whether the deployment ran: the promotion leaves a change record. */
    public boolean deployed() {
        return this == SUCCEEDED || this == FAILED || this == ROLLED_BACK;
    }

    /** Whether the promotion leaves a change record: it deployed, or it was stopped after its deployment began. */
    public boolean leavesChangeRecord(boolean deploymentStarted) {
        return deployed() || this == ABORTED && deploymentStarted;
    }
}
