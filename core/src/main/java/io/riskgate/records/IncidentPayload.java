package io.riskgate.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskgate.RiskGateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of an incident report sent over HTTP: a plain JSON object (one incident) or Prometheus
 * Alertmanager's webhook payload (its firing alerts open incidents, its resolved alerts resolve
 * them). docs/telemetry.md describes both. Bodies are bounded before they get here; this refuses
 * more than {@value #MAX_ALERTS} alerts and deeply nested JSON.
 */
public final class IncidentPayload {
    public static final int MAX_ALERTS = 1000;
    /** Alertmanager's zero time: a firing alert's end. */
    private static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

    /** Which alert labels name the service: the first present of each list. */
    public record Labels(List<String> pipeline, List<String> environment) {
        public static final Labels DEFAULT = new Labels(List.of("riskgate_pipeline", "pipeline", "service", "job"),
                List.of("riskgate_environment", "environment", "env"));

        /** The default lists, with a given label first (null: none given). */
        public Labels first(String pipelineLabel, String environmentLabel) {
            return new Labels(prepend(pipelineLabel, pipeline), prepend(environmentLabel, environment));
        }

        private static List<String> prepend(String label, List<String> rest) {
            if (label == null || label.isBlank()) {
                return rest;
            }
            List<String> all = new ArrayList<>();
            all.add(label.strip());
            all.addAll(rest);
            return all;
        }
    }

    /** The reports of a payload, and why some alerts were left out (no service labels). */
    public record Parsed(List<IncidentReport> reports, List<String> skipped) {
    }

    private IncidentPayload() {
    }

    public static Parsed parse(String body, Labels labels) {
        JsonNode root;
        try {
            ObjectMapper mapper = new ObjectMapper();
            mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(65_536).build());
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new RiskGateException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new RiskGateException("the body must be a JSON object: one incident, or Alertmanager's webhook payload");
        }
        if (root.has("alerts")) {
            return alertmanager(root, labels);
        }
        return new Parsed(List.of(plain(root)), List.of());
    }

    /** {@code {"id", "title", "severity", "pipeline", "environment", "startedAt", "resolvedAt", "deployment", "commit"}}. */
    private static IncidentReport plain(JsonNode n) {
        String status = text(n, "status");
        Instant started = time(n, "startedAt");
        Instant resolved = time(n, "resolvedAt");
        if ("resolved".equalsIgnoreCase(status) && resolved == null) {
            throw new RiskGateException("a resolved incident needs resolvedAt");
        }
        return new IncidentReport(text(n, "id"), text(n, "source") == null ? "api" : text(n, "source"), text(n, "title"),
                text(n, "severity"), text(n, "pipeline"), text(n, "environment"), started, resolved, text(n, "deployment"), text(n, "commit"));
    }

    private static Parsed alertmanager(JsonNode root, Labels labels) {
        JsonNode alerts = root.get("alerts");
        if (!alerts.isArray()) {
            throw new RiskGateException("alerts must be a list (Alertmanager's webhook payload)");
        }
        if (alerts.size() > MAX_ALERTS) {
            throw new RiskGateException("the payload has " + alerts.size() + " alerts, more than the " + MAX_ALERTS + " taken at once");
        }
        List<IncidentReport> reports = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (JsonNode a : alerts) {
            JsonNode l = a.path("labels");
            JsonNode annotations = a.path("annotations");
            String name = text(l, "alertname");
            String pipeline = first(l, labels.pipeline());
            String environment = first(l, labels.environment());
            String fingerprint = text(a, "fingerprint");
            Instant started = time(a, "startsAt");
            if (pipeline == null || environment == null || started == null) {
                skipped.add((name == null ? "an alert" : "alert " + RecordTimes.quote(name)) + ": no "
                        + (started == null ? "startsAt" : pipeline == null ? "label " + String.join("/", labels.pipeline())
                        : "label " + String.join("/", labels.environment())));
                continue;
            }
            if (fingerprint == null) {
                fingerprint = Integer.toHexString((l.toString()).hashCode());
            }
            Instant ends = time(a, "endsAt");
            boolean resolved = "resolved".equalsIgnoreCase(text(a, "status"));
            String title = text(annotations, "summary") != null ? text(annotations, "summary") : name;
            reports.add(new IncidentReport("alertmanager:" + fingerprint + "@" + started.toEpochMilli(), "alertmanager",
                    title == null ? null : title.length() > Incident.MAX_TITLE ? title.substring(0, Incident.MAX_TITLE) : title,
                    text(l, "severity"), pipeline, environment, started,
                    resolved ? (ends == null || ends.equals(ZERO) ? null : ends) : null, text(l, "riskgate_deployment"), null));
            if (resolved && reports.get(reports.size() - 1).resolvedAt() == null) {
                reports.remove(reports.size() - 1);
                skipped.add("resolved alert " + (name == null ? "" : RecordTimes.quote(name)) + ": no endsAt");
            }
        }
        return new Parsed(reports, skipped);
    }

    private static String first(JsonNode labels, List<String> names) {
        for (String n : names) {
            String v = text(labels, n);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isTextual() || v.asText().isBlank() ? null : v.asText().strip();
    }

    private static Instant time(JsonNode n, String field) {
        String s = text(n, field);
        if (s == null) {
            return null;
        }
        if (s.startsWith("0001-01-01")) {
            return ZERO;
        }
        Instant t = RecordTimes.parseOrNull(s);
        if (t == null) {
            throw new RiskGateException(field + " " + RecordTimes.quote(s) + " is not a time: use " + RecordTimes.FORMATS);
        }
        return t;
    }
}
