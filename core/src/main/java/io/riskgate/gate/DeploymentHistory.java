package io.riskgate.gate;

import java.util.Map;
import java.util.Optional;

/** What has been deployed where: the gate's view of earlier promotions. */
@FunctionalInterface
public interface DeploymentHistory {
    /** The head commit of the last successful deployment to {@code environment}, if any. */
    Optional<String> lastSucceededCommit(String environment);

    static DeploymentHistory none() {
        return environment -> Optional.empty();
    }

    /** A history given as environment name to commit (names compared without case). */
    static DeploymentHistory of(Map<String, String> deployed) {
        return environment -> deployed.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(environment))
                .map(Map.Entry::getValue)
                .findFirst();
    }
}
