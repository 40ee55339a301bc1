package io.riskgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Checked access to the fields of a policy document: every error names the source, the field and the reason. */
final class PolicyFields {
    private final String source;

    PolicyFields(String source) {
        this.source = source;
    }

    List<String> strings(JsonNode node, String field) {
        if (!node.isArray()) {
            throw fail(field, "must be a list of strings (got " + describe(node) + ")");
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            values.add(text(node.get(i), field + "[" + i + "]"));
        }
        return values;
    }

    double number(JsonNode node, String field, double min, double max) {
        if (!node.isNumber()) {
            throw fail(field, "must be a number (got " + describe(node) + ")");
        }
        double value = node.asDouble();
        if (value < min || value > max) {
            throw fail(field, "must be between " + plain(min) + " and " + plain(max) + " (got " + plain(value) + ")");
        }
        return value;
    }

    int integer(JsonNode node, String field, int min, int max) {
        if (!node.isIntegralNumber()) {
            throw fail(field, "must be a whole number (got " + describe(node) + ")");
        }
        return (int) number(node, field, min, max);
    }

    boolean bool(JsonNode node, String field) {
        if (!node.isBoolean()) {
            throw fail(field, "must be true or false (got " + describe(node) + ")");
        }
        return node.asBoolean();
    }

    String text(JsonNode node, String field) {
        if (!node.isTextual() || node.asText().isBlank()) {
            throw fail(field, "must be a non-empty string (got " + describe(node) + ")");
        }
        return node.asText().strip();
    }

    void requireObject(JsonNode node, String field) {
        if (!node.isObject()) {
            throw fail(field, "must be a mapping of keys to values (got " + describe(node) + ")");
        }
    }

    void checkKeys(JsonNode node, String field, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw fail(field.isEmpty() ? key : field + "." + key, "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    PolicyException fail(String field, String reason) {
        return PolicyException.at(source, field, reason);
    }

    static String describe(JsonNode node) {
        if (node.getNodeType() == JsonNodeType.STRING) {
            return "'" + node.asText() + "'";
        }
        return node.isContainerNode() ? (node.isArray() ? "a list" : "a mapping") : node.toString();
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
