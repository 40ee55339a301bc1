package io.riskgate.learning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riskgate.RiskGateException;
import io.riskgate.risk.Level;
import io.riskgate.risk.Thresholds;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A logistic regression learned from past changes, small enough to store and to score new changes
 * with: {@code p = 1 / (1 + exp(-(intercept + Σ coefficient_j · (t_j(min(x_j, cap_j)) - mean_j) / sd_j)))}, where
 * {@code t_j} is {@code log1p} or the identity and {@code cap_j} is infinite unless the input is capped. Its score is {@code round(100 p)}, the chance of
 * failure in percent, with the product's levels (LOW below 25, MEDIUM below 50, HIGH below 75).
 *
 * @param name says which model produced a score: {@code learned-<last training day>}
 * @param trainedFrom the time of the oldest training row
 * @param trainedTo the time of the newest training row
 * @param samples training rows
 * @param positives failed training rows
 * @param l2 the penalty on the standardised slopes
 * @param halfLifeDays the half-life of the recency weights, or null when every row counts the same
 * @param intercept the log-odds of failure of a change with every feature at its training mean
 * @param features the inputs, their scaling and coefficients
 */
public record LearnedModel(String name, Instant trainedFrom, Instant trainedTo, int samples, int positives, double l2,
                           Double halfLifeDays, double intercept, List<Feature> features) implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String KIND = "logistic-regression";

    public LearnedModel {
        features = List.copyOf(features);
    }

    /** How a raw value is transformed before standardising. */
    public enum Transform {
        /** {@code log(1 + x)}: for non-negative counts with a long tail. */
        LOG1P,
        /** the value as it is. */
        NONE;

        double apply(double x) {
            return this == LOG1P ? Math.log1p(Math.max(0, x)) : x;
        }
    }

    /**
     * One input.
     *
     * @param name a {@link io.riskgate.risk.ChangeMetrics} name, or the column name of an extra feature
     * @param column the history column it was read from
     * @param cap the largest raw value that counts: a larger one counts as {@code cap} (a value far beyond what the
     *            model learned from does not raise the odds without bound); {@link Double#POSITIVE_INFINITY} for none
     */
    public record Feature(String name, String column, Transform transform, double mean, double sd, double coefficient, double cap)
            implements Serializable {
        private static final long serialVersionUID = 2L;

        public Feature {
            if (!(cap > Double.NEGATIVE_INFINITY)) {
                throw new IllegalArgumentException("cap of " + name + " must be a number or +Infinity, got " + cap);
            }
        }

        /** An input without a cap. */
        public Feature(String name, String column, Transform transform, double mean, double sd, double coefficient) {
            this(name, column, transform, mean, sd, coefficient, Double.POSITIVE_INFINITY);
        }

        /** Whether a larger raw value than {@link #cap()} counts as the cap. */
        public boolean capped() {
            return cap != Double.POSITIVE_INFINITY;
        }

        double standardised(double raw) {
            return (transform.apply(Math.min(raw, cap)) - mean) / sd;
        }

        /** How many times the odds of failure multiply per doubling of {@code 1 + x} ({@code log1p} inputs) or per standard deviation more (the others). */
        public double oddsFactor() {
            return transform == Transform.LOG1P ? Math.exp(coefficient * Math.log(2) / sd) : Math.exp(coefficient);
        }
    }

    /** The model's name for a training period ending at {@code trainedTo}. */
    public static String nameFor(Instant trainedTo) {
        return "learned-" + trainedTo.atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** The chance of failure of a change whose raw feature values are given in {@link #features()} order. */
    public double probability(double[] raw) {
        double z = intercept;
        for (int j = 0; j < features.size(); j++) {
            Feature f = features.get(j);
            z += f.coefficient() * f.standardised(raw[j]);
        }
        return LogisticRegression.sigmoid(z);
    }

    /** The 0..100 score of a probability: {@code round(100 p)}. */
    public static int score(double probability) {
        return (int) Math.round(100 * probability);
    }

    /** The level of a score with the product's default thresholds. */
    public static Level level(int score) {
        return Thresholds.DEFAULT.levelOf(score);
    }

    /**
     * The coefficients in plain words, one sentence per measure, strongest first (by the sum of its
     * coefficients' sizes). A measure with a {@code log1p} and a plain input (the averaged model) gets
     * one sentence for both: what doubling {@code 1 + x} from its typical value does to the odds.
     */
    public List<String> explanation() {
        Map<String, List<Feature>> byName = new LinkedHashMap<>();
        for (Feature f : features) {
            byName.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f);
        }
        List<List<Feature>> sorted = new ArrayList<>(byName.values());
        sorted.sort((a, b) -> Double.compare(strength(b), strength(a)));
        List<String> lines = new ArrayList<>();
        for (List<Feature> terms : sorted) {
            lines.add(terms.size() == 1 ? sentence(terms.get(0)) : sentence(terms));
        }
        lines.add(String.format(Locale.ROOT, "a change with every feature at its training average fails with chance %.1f%%",
                100 * LogisticRegression.sigmoid(intercept)));
        return lines;
    }

    /** The change in odds the feature stands for, in words. */
    static String sentence(Feature f) {
        String label = f.name().equals(f.column()) ? f.name() : f.name() + " (" + f.column() + ")";
        double factor = f.oddsFactor();
        if (f.name().equals("fix") && f.transform() == Transform.NONE) {
            double fix = Math.exp(f.coefficient() / f.sd());
            return String.format(Locale.ROOT, "%s: a defect fix multiplies the odds of failure by %.2f%s", label, fix, direction(fix));
        }
        if (f.transform() == Transform.LOG1P) {
            return String.format(Locale.ROOT, "%s: each doubling (of 1 + %s) multiplies the odds of failure by %.2f%s",
                    label, f.name(), factor, direction(factor));
        }
        return String.format(Locale.ROOT, "%s: each %s more (one standard deviation) multiplies the odds of failure by %.2f%s%s",
                label, number(f.sd()), factor, direction(factor), f.capped() ? ", up to " + number(f.cap()) + " (a larger value counts as "
                        + number(f.cap()) + ")" : "");
    }

    private static double strength(List<Feature> terms) {
        double s = 0;
        for (Feature f : terms) {
            s += Math.abs(f.coefficient());
        }
        return s;
    }

    /**
     * One sentence for a measure with several inputs: the odds factor of doubling {@code 1 + x} from
     * its typical value (the training mean of the first input, back-transformed).
     */
    static String sentence(List<Feature> terms) {
        Feature first = terms.get(0);
        String label = first.name().equals(first.column()) ? first.name() : first.name() + " (" + first.column() + ")";
        double typical = Math.max(0, first.transform() == Transform.LOG1P ? Math.expm1(first.mean()) : first.mean());
        double doubled = 2 * (1 + typical) - 1;
        double z = 0;
        for (Feature f : terms) {
            z += f.coefficient() * (f.standardised(doubled) - f.standardised(typical));
        }
        double factor = Math.exp(z);
        double cap = Double.POSITIVE_INFINITY;
        for (Feature f : terms) {
            cap = Math.min(cap, f.cap());
        }
        return String.format(Locale.ROOT, "%s: from its typical %s, doubling 1 + %s (to %s) multiplies the odds of failure by %.2f%s"
                        + " (log1p and plain inputs together%s)", label, number(typical), first.name(), number(doubled), factor, direction(factor),
                cap == Double.POSITIVE_INFINITY ? "" : "; above " + number(cap) + " only the log1p input grows");
    }

    private static String direction(double factor) {
        if (factor >= 1.05) {
            return " (riskier)";
        }
        return factor <= 1 / 1.05 ? " (safer)" : " (about no effect)";
    }

    private static String number(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** The model as plain maps, lists, strings and numbers (the JSON form). */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("model", name);
        map.put("kind", KIND);
        map.put("trainedFrom", trainedFrom.toString());
        map.put("trainedTo", trainedTo.toString());
        map.put("samples", samples);
        map.put("positives", positives);
        map.put("l2", l2);
        map.put("halfLifeDays", halfLifeDays);
        map.put("intercept", intercept);
        map.put("score", "round(100 * p), levels LOW < 25 <= MEDIUM < 50 <= HIGH < 75 <= CRITICAL");
        List<Object> list = new ArrayList<>();
        for (Feature f : features) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("name", f.name());
            fm.put("column", f.column());
            fm.put("transform", f.transform().name().toLowerCase(Locale.ROOT));
            fm.put("mean", f.mean());
            fm.put("sd", f.sd());
            fm.put("coefficient", f.coefficient());
            if (f.capped()) {
                fm.put("cap", f.cap());
            }
            fm.put("meaning", sentence(f));
            list.add(fm);
        }
        map.put("features", list);
        return map;
    }

    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a model written by {@link #toJson()}; {@code source} names it in messages. */
    public static LearnedModel fromJson(String json, String source) {
        try {
            JsonNode root = new ObjectMapper().readTree(json);
            if (root == null || !KIND.equals(root.path("kind").asText())) {
                throw new RiskGateException("model " + source + " is not a learned model (no \"kind\": \"" + KIND
                        + "\"): pass a file written by 'riskgate backtest --save-model'");
            }
            List<Feature> features = new ArrayList<>();
            for (JsonNode f : required(root, "features", source)) {
                features.add(new Feature(required(f, "name", source).asText(), f.path("column").asText(required(f, "name", source).asText()),
                        Transform.valueOf(required(f, "transform", source).asText().toUpperCase(Locale.ROOT)),
                        required(f, "mean", source).asDouble(), required(f, "sd", source).asDouble(),
                        required(f, "coefficient", source).asDouble(),
                        f.path("cap").isNumber() ? f.path("cap").asDouble() : Double.POSITIVE_INFINITY));
            }
            JsonNode halfLife = root.path("halfLifeDays");
            return new LearnedModel(required(root, "model", source).asText(), Instant.parse(required(root, "trainedFrom", source).asText()),
                    Instant.parse(required(root, "trainedTo", source).asText()), required(root, "samples", source).asInt(),
                    required(root, "positives", source).asInt(), root.path("l2").asDouble(),
                    halfLife.isNumber() ? halfLife.asDouble() : null, required(root, "intercept", source).asDouble(), features);
        } catch (JsonProcessingException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new RiskGateException("model " + source + " is not valid (" + e.getMessage().lines().findFirst().orElse("")
                    + "): pass a file written by 'riskgate backtest --save-model'");
        }
    }

    private static JsonNode required(JsonNode node, String field, String source) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new RiskGateException("model " + source + " has no \"" + field
                    + "\": pass a file written by 'riskgate backtest --save-model'");
        }
        return value;
    }
}
