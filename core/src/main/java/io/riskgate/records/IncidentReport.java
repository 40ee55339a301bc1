package io.riskgate.records;

import io.riskgate.RiskGateException;
import java.time.Instant;

/**
 * One report about an incident from outside (the command line, a CSV row, an alert): it opens the
 * incident or resolves it. A resolution may carry what an opening does (an alert's resolved
 * notification has its start and labels), so that a resolution whose opening was missed still
 * records the incident.
 *
 * @param deploymentId an explicit deployment to link (a change record id), or null
 * @param commit an explicit deployed commit to link (the full SHA or a prefix of at least 7 hex digits), or null
 */
public record IncidentReport(String id, String source, String title, String severity, String pipeline, String environment,
                             Instant startedAt, Instant resolvedAt, String deploymentId, String commit) {
    public IncidentReport {
        if (id == null || id.isBlank()) {
            throw new RiskGateException("an incident needs an id (the id its source gives it)");
        }
        id = id.strip();
        deploymentId = blankToNull(deploymentId);
        commit = blankToNull(commit);
        if (deploymentId != null && commit != null) {
            throw new RiskGateException("incident " + RecordTimes.quote(id) + ": give the deployment or the commit to link, not both");
        }
        if (commit != null && !commit.matches("[0-9a-fA-F]{7,64}")) {
            throw new RiskGateException("incident " + RecordTimes.quote(id) + ": commit " + RecordTimes.quote(commit)
                    + " is not a commit SHA (7 to 64 hex digits)");
        }
    }

    /** Whether it carries what opening an incident needs: a title, the service and the start. */
    public boolean opens() {
        return title != null && !title.isBlank() && pipeline != null && !pipeline.isBlank() && environment != null
                && !environment.isBlank() && startedAt != null;
    }

    /** The incident it opens, not linked yet. */
    Incident incident() {
        return new Incident(id, source, title, severity, pipeline, environment, startedAt, resolvedAt, null, Incident.Link.NONE);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
