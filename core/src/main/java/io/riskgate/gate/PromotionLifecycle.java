package io.riskgate.gate;

import io.riskgate.rollback.RollbackPlan;
import java.util.Optional;

/**
 * The promotion state machine: which event moves a promotion from one {@link PromotionState} to the
 * next. An event that does not apply (a decision after the promotion settled, a timeout after it
 * started to deploy) changes nothing, so whoever comes second loses.
 */
public final class PromotionLifecycle {
    /** How many times a rollback cut short by restarts of the controller runs at most. */
    public static final int ROLLBACK_RUNS = 2;

    private PromotionLifecycle() {
    }

    /** Whether a failed deployment (or verification) rolls back: the policy says so and a rollback command is declared. */
    public static boolean rollsBack(boolean rollbackOnFailure, RollbackPlan plan) {
        return rollbackOnFailure && plan != null && plan.hasCommand();
    }

    /** Whether a rollback resumed after a restart runs again, when it already ran {@code runs} times. */
    public static boolean rollbackRunsAgain(int runs) {
        return runs < ROLLBACK_RUNS;
    }

    /**
     * Whether a stop of the build ends the promotion ABORTED right away: not once it settled, and
     * not while its deployment runs (the deployment's end settles it then).
     */
    public static boolean stopAborts(PromotionState state) {
        return state != null && !state.settled() && state != PromotionState.RUNNING;
    }

    /** What happened to a promotion. */
    public enum Event {
        /** The gate allowed it (also when it is evaluated again after the soak time). */
        ALLOWED,
        /** The gate asks for approval. */
        NEEDS_APPROVAL,
        /** The gate blocks it until the soak time has passed. */
        SOAKING,
        /** The gate blocked it, or the approved promotion found its environment frozen. */
        BLOCKED,
        /** The approvals are complete. */
        APPROVED,
        REJECTED,
        /** The approval timeout ran out. */
        EXPIRED,
        /** A newer build of the pipeline was promoted to the environment. */
        SUPERSEDED,
        /** Another promotion holds the environment. */
        ENVIRONMENT_BUSY,
        /** The environment is free for it. */
        TURN,
        BODY_SUCCEEDED,
        BODY_FAILED,
        VERIFIED,
        VERIFICATION_FAILED,
        ROLLBACK_SUCCEEDED,
        ROLLBACK_FAILED,
        /** Stopped by a person or a timeout, or it could not go on (e.g. after a restart). */
        ABORTED
    }

    /**
     * @param verifies whether the environment or the step declares a verification
     * @param rollsBack whether a rollback command is declared and the policy runs it on failure
     * @return the next state, or empty when the event does not apply in {@code from}
     */
    public static Optional<PromotionState> next(PromotionState from, Event event, boolean verifies, boolean rollsBack) {
        if (from != null && from.settled()) {
            return Optional.empty();
        }
        if (event == Event.ABORTED) {
            return Optional.of(PromotionState.ABORTED);
        }
        PromotionState to = switch (from == null ? Start.START : Start.of(from)) {
            case START, SOAK -> switch (event) {
                case ALLOWED -> PromotionState.QUEUED;
                case NEEDS_APPROVAL -> PromotionState.WAITING_FOR_APPROVAL;
                case SOAKING -> PromotionState.WAITING_FOR_SOAK;
                case BLOCKED -> PromotionState.BLOCKED;
                case SUPERSEDED -> from == null ? null : PromotionState.SUPERSEDED;
                default -> null;
            };
            case APPROVAL -> switch (event) {
                case APPROVED -> PromotionState.QUEUED;
                case REJECTED -> PromotionState.REJECTED;
                case BLOCKED -> PromotionState.BLOCKED;
                case EXPIRED -> PromotionState.EXPIRED;
                case SUPERSEDED -> PromotionState.SUPERSEDED;
                default -> null;
            };
            case QUEUED -> switch (event) {
                case TURN -> PromotionState.RUNNING;
                case ENVIRONMENT_BUSY -> PromotionState.QUEUED;
                case SUPERSEDED -> PromotionState.SUPERSEDED;
                default -> null;
            };
            case RUNNING -> switch (event) {
                case BODY_SUCCEEDED -> verifies ? PromotionState.VERIFYING : PromotionState.SUCCEEDED;
                case BODY_FAILED -> rollsBack ? PromotionState.ROLLING_BACK : PromotionState.FAILED;
                default -> null;
            };
            case VERIFYING -> switch (event) {
                case VERIFIED -> PromotionState.SUCCEEDED;
                case VERIFICATION_FAILED -> rollsBack ? PromotionState.ROLLING_BACK : PromotionState.FAILED;
                default -> null;
            };
            case ROLLING_BACK -> switch (event) {
                case ROLLBACK_SUCCEEDED -> PromotionState.ROLLED_BACK;
                case ROLLBACK_FAILED -> PromotionState.FAILED;
                default -> null;
            };
        };
        return Optional.ofNullable(to);
    }

    private enum Start {
        START, SOAK, APPROVAL, QUEUED, RUNNING, VERIFYING, ROLLING_BACK;

        static Start of(PromotionState s) {
            return switch (s) {
                case WAITING_FOR_SOAK -> SOAK;
                case WAITING_FOR_APPROVAL -> APPROVAL;
                case QUEUED -> QUEUED;
                case RUNNING -> RUNNING;
                case VERIFYING -> VERIFYING;
                case ROLLING_BACK -> ROLLING_BACK;
                default -> throw new IllegalArgumentException(s + " is settled");
            };
        }
    }
}
