package io.riskgate.records;

import io.riskgate.RiskGateException;
import java.time.Instant;

/**
 * An operational event in one service (a pipeline's deployments to an environment): from when it
 * started to when it was resolved, linked to the deployment that was live when it started
 * (docs/metrics.md, "Incidents"). A linked deployment counts as a failed change.
 *
 * @param id the source's id of the incident (an alert's fingerprint and start, a ticket number): reporting it again changes nothing
 * @param source where it came from ({@code cli}, {@code csv}, {@code alertmanager}, {@code api}), or null
 * @param severity as the source names it ({@code critical}, {@code SEV1}), or null
 * @param resolvedAt null while the incident is open
 * @param deploymentId the id of the change record it is linked to, or null (no deployment was live when it started)
 * @param link how the deployment was chosen
 */
public record Incident(String id, String source, String title, String severity, String pipeline, String environment,
                       Instant startedAt, Instant resolvedAt, String deploymentId, Link link) {
    /** How an incident's deployment was chosen. */
    public enum Link {
        /** the newest successful deployment of the pipeline and environment at or before the start */
        LIVE,
        /** a deployment (or commit) named when the incident was reported */
        EXPLICIT,
        /** no deployment had succeeded there before the start */
        NONE
    }

    public static final int MAX_ID = 256;
    public static final int MAX_TITLE = 1024;
    public static final int MAX_SEVERITY = 64;

    public Incident {
        id = required(id, "an id", MAX_ID);
        title = required(title, "a title", MAX_TITLE);
        pipeline = required(pipeline, "a pipeline", 512);
        environment = required(environment, "an environment", 128);
        severity = optional(severity, "severity", MAX_SEVERITY);
        source = optional(source, "source", 64);
        if (startedAt == null) {
            throw new RiskGateException("incident " + RecordTimes.quote(id) + " needs a start time");
        }
        startedAt = RecordTimes.millis(startedAt);
        resolvedAt = RecordTimes.millis(resolvedAt);
        if (resolvedAt != null && resolvedAt.isBefore(startedAt)) {
            throw new RiskGateException("incident " + RecordTimes.quote(id) + " cannot be resolved (" + resolvedAt + ") before it started ("
                    + startedAt + ")");
        }
        if (link == null) {
            link = deploymentId == null ? Link.NONE : Link.EXPLICIT;
        }
        if ((deploymentId == null) != (link == Link.NONE)) {
            throw new IllegalArgumentException("an incident linked " + link + " " + (deploymentId == null ? "needs" : "has no") + " deployment");
        }
    }

    public boolean open() {
        return resolvedAt == null;
    }

    /** Seconds from start to resolution, or null while open. */
    public Long restoreSeconds() {
        return resolvedAt == null ? null : (resolvedAt.toEpochMilli() - startedAt.toEpochMilli()) / 1000;
    }

    public Incident withLink(String deployment, Link how) {
        return new Incident(id, source, title, severity, pipeline, environment, startedAt, resolvedAt, deployment, how);
    }

    public Incident resolved(Instant at) {
        return new Incident(id, source, title, severity, pipeline, environment, startedAt, at, deploymentId, link);
    }

    private static String required(String value, String what, int max) {
        if (value == null || value.isBlank()) {
            throw new RiskGateException("an incident needs " + what);
        }
        return bounded(value.strip(), what.replaceFirst("^an? ", ""), max);
    }

    private static String optional(String value, String what, int max) {
        return value == null || value.isBlank() ? null : bounded(value.strip(), what, max);
    }

    private static String bounded(String value, String what, int max) {
        if (value.length() > max) {
            throw new RiskGateException("an incident's " + what + " has " + value.length() + " characters, more than the " + max
                    + " the store holds: shorten it");
        }
        return value;
    }
}
