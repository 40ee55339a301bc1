package io.riskgate.risk;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How a change is scored: the maximum points of every factor (its weight), where each size factor
 * saturates, the level thresholds, the minimum level that some findings force, and how much of the
 * size still counts for a documentation-only change. See docs/scoring.md.
 */
public record ScoringRules(Map<String, Double> weights, Map<String, Double> saturation, Thresholds thresholds,
                           Map<FindingKind, Level> minimumLevel, double deletedLineShare, double docsOnlySizeShare) {

    /** Size factors in the order they are reported. */
    public static final Set<String> SIZE_FACTORS = Set.of("lines", "files", "directories", "subsystems", "entropy", "commits", "authors");

    public ScoringRules {
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        saturation = Collections.unmodifiableMap(new LinkedHashMap<>(saturation));
        minimumLevel = Collections.unmodifiableMap(minimumLevel.isEmpty()
                ? new EnumMap<>(FindingKind.class) : new EnumMap<>(minimumLevel));
    }

    public static ScoringRules defaults() {
        Map<String, Double> weights = new LinkedHashMap<>();
        weights.put("lines", 30.0);
        weights.put("files", 15.0);
        weights.put("directories", 5.0);
        weights.put("subsystems", 5.0);
        weights.put("entropy", 10.0);
        weights.put("commits", 5.0);
        weights.put("authors", 5.0);
        weights.put("destructiveMigration", 40.0);
        weights.put("additiveMigration", 5.0);
        weights.put("editedMigration", 30.0);
        weights.put("infrastructure", 20.0);
        weights.put("dependency", 10.0);
        weights.put("publicApi", 15.0);
        weights.put("deletedFiles", 8.0);
        weights.put("config", 10.0);
        weights.put("secrets", 10.0);
        weights.put("featureFlag", 10.0);
        Map<String, Double> saturation = new LinkedHashMap<>();
        saturation.put("lines", 2000.0);
        saturation.put("files", 200.0);
        saturation.put("directories", 50.0);
        saturation.put("subsystems", 10.0);
        saturation.put("commits", 50.0);
        saturation.put("authors", 10.0);
        Map<FindingKind, Level> minimum = new EnumMap<>(FindingKind.class);
        minimum.put(FindingKind.DESTRUCTIVE_MIGRATION, Level.HIGH);
        minimum.put(FindingKind.EDITED_MIGRATION, Level.MEDIUM);
        return new ScoringRules(weights, saturation, Thresholds.DEFAULT, minimum, 0.5, 0.2);
    }

    public double weight(String key) {
        return weights.getOrDefault(key, 0.0);
    }

    public double saturationOf(String key) {
        return saturation.getOrDefault(key, 1.0);
    }
}
