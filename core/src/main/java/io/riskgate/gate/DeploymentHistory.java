package io.riskgate.gate;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What has been deployed where: the gate's view of earlier promotions. */
@FunctionalInterface
public interface DeploymentHistory {
    /** The head commit of the last successful deployment to {@code environment}, if any. */
    Optional<String> lastSucceededCommit(String environment);

    /**
     * When {@code commit} was first deployed successfully to {@code environment}, if known: where
     * the soak time starts.
     */
    default Optional<Instant> succeededAt(String environment, String commit) {
        return Optional.empty();
    }

    /**
     * The pipeline's failures in {@code environment} (failed, rolled back or linked to an incident)
     * that have no post-incident review, oldest first.
     */
    default java.util.List<PendingReview> awaitingReview(String environment) {
        return java.util.List.of();
    }

    /** This history with these failures waiting for a review (in any environment the gate asks about). */
    default DeploymentHistory withAwaitingReview(java.util.function.Function<String, java.util.List<PendingReview>> pending) {
        DeploymentHistory base = this;
        return new DeploymentHistory() {
            @Override
            public Optional<String> lastSucceededCommit(String environment) {
                return base.lastSucceededCommit(environment);
            }

            @Override
            public Optional<Instant> succeededAt(String environment, String commit) {
                return base.succeededAt(environment, commit);
            }

            @Override
            public java.util.List<PendingReview> awaitingReview(String environment) {
                return pending.apply(environment);
            }
        };
    }

    static DeploymentHistory none() {
        return environment -> Optional.empty();
    }

    /** A history given as environment name to commit (names compared without case). */
    static DeploymentHistory of(Map<String, String> deployed) {
        return of(deployed, Map.of());
    }

    /** As {@link #of(Map)}, with the time each of those deployments finished. */
    static DeploymentHistory of(Map<String, String> deployed, Map<String, Instant> finished) {
        return new DeploymentHistory() {
            @Override
            public Optional<String> lastSucceededCommit(String environment) {
                return find(deployed, environment);
            }

            @Override
            public Optional<Instant> succeededAt(String environment, String commit) {
                return find(deployed, environment).filter(commit::equals).flatMap(c -> find(finished, environment));
            }
        };
    }

    private static <T> Optional<T> find(Map<String, T> byEnvironment, String environment) {
        return byEnvironment.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(environment)).map(Map.Entry::getValue).findFirst();
    }
}
