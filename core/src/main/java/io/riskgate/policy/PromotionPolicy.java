package io.riskgate.policy;

import io.riskgate.RiskGateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** The ordered environments a change is promoted through (e.g. dev, staging, production) and the rules of each. */
public record PromotionPolicy(List<EnvironmentRules> environments) {
    public static final List<String> DEFAULT_ENVIRONMENTS = List.of("dev", "staging", "production");

    public PromotionPolicy {
        environments = List.copyOf(environments);
    }

    public static PromotionPolicy defaults() {
        return new PromotionPolicy(IntStream.range(0, DEFAULT_ENVIRONMENTS.size())
                .mapToObj(i -> EnvironmentRules.defaults(DEFAULT_ENVIRONMENTS.get(i), i, DEFAULT_ENVIRONMENTS.size())).toList());
    }

    public Optional<EnvironmentRules> find(String name) {
        return environments.stream().filter(e -> e.name().equalsIgnoreCase(name)).findFirst();
    }

    /** The rules of an environment, or a clear error naming the known ones. */
    public EnvironmentRules environment(String name) {
        return environment(name, "under environments: in .riskgate.yml or in the global configuration");
    }

    /** As {@link #environment(String)}, the error saying where to define a missing environment. */
    public EnvironmentRules environment(String name, String whereToDefine) {
        return find(name).orElseThrow(() -> new RiskGateException("unknown environment '" + name + "': known environments are "
                + names() + " (define it " + whereToDefine + ")"));
    }

    /** The environment before {@code name}, if any. */
    public Optional<EnvironmentRules> previous(String name) {
        for (int i = 1; i < environments.size(); i++) {
            if (environments.get(i).name().equalsIgnoreCase(name)) {
                return Optional.of(environments.get(i - 1));
            }
        }
        return Optional.empty();
    }

    public String names() {
        return environments.stream().map(EnvironmentRules::name).collect(Collectors.joining(", "));
    }

    /**
     * This (global) policy tightened by a repository's: environments it shares with this one take the
     * stricter rule of each pair; environments the repository adds are ignored and reported in
     * {@code ignored}, since the global order of environments stands.
     */
    public PromotionPolicy tightenedBy(PromotionPolicy repository, List<String> ignored) {
        List<EnvironmentRules> result = new ArrayList<>();
        for (EnvironmentRules mine : environments) {
            result.add(repository.find(mine.name()).map(mine::tightenedBy).orElse(mine));
        }
        for (EnvironmentRules theirs : repository.environments) {
            if (find(theirs.name()).isEmpty()) {
                ignored.add(theirs.name().toLowerCase(Locale.ROOT));
            }
        }
        return new PromotionPolicy(result);
    }
}
