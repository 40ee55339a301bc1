package io.riskgate.records;

/**
 * What incidents say about a set of deployments (docs/metrics.md, "Incidents").
 *
 * @param deployments the deployments of the query (finished in its window)
 * @param causedIncident of them, how many an incident is linked to
 * @param failedOrCausedIncident of them, how many failed, were rolled back or are linked to an incident
 * @param incidents incidents of the query's pipeline and environment that started in its window
 * @param open of them, how many are not resolved
 * @param unlinked of them, how many no deployment is linked to (none was live when they started)
 * @param changeFailureRate causedIncident over deployments, or null without deployments
 * @param combinedFailureRate failedOrCausedIncident over deployments, or null without deployments
 * @param timeToRestoreMedian median seconds from start to resolution of the resolved incidents, or null
 * @param timeToRestoreP90 90th percentile (nearest rank) of the same, or null
 */
public record IncidentMetrics(long deployments, long causedIncident, long failedOrCausedIncident, long incidents, long open,
                              long unlinked, Double changeFailureRate, Double combinedFailureRate, Double timeToRestoreMedian,
                              Double timeToRestoreP90) {
}
