package io.riskgate.metrics;

import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.DoraMetrics;
import io.riskgate.records.IncidentMetrics;
import io.riskgate.records.RecordQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of the per-environment delivery gauges a monitoring registry shows (docs/telemetry.md):
 * each environment's DORA measures and incident measures over the last 30 days, read from the
 * store's aggregates. The window ends now, so the deployment frequency is the successful
 * deployments of the last 30 days over 30 days (a window without an end would end at the last
 * deployment, and five deployments on the window's first day would read as five a day).
 *
 * <p>Which environments ({@link EnvironmentMeasures}): those with a deployment in the window, and
 * those that have gauges already (an environment that stopped deploying shows no deployments, not
 * the values of the last time it did). An environment the aggregates name only for a day at the
 * window's start, whose deployments on that day finished before the window, gets no gauges of its
 * own, as the OpenMetrics report leaves it out.
 */
public final class EnvironmentGauges {
    /** The window the gauges measure. */
    public static final Duration WINDOW = Duration.ofDays(30);
    /** The most environments that get gauges of their own. */
    public static final int MAX_ENVIRONMENTS = 100;

    /** The gauges of one environment, by the last part of their names. */
    public static final String[] NAMES = {"deployment_frequency_per_day", "lead_time_median_seconds", "change_failure_ratio",
            "incident_change_failure_ratio", "time_to_restore_median_seconds", "incident_time_to_restore_median_seconds",
            "incidents_open", "awaiting_review"};

    private EnvironmentGauges() {
    }

    /**
     * The gauge values at {@code now}, by environment (in name order) and then by gauge name ({@link #NAMES});
     * {@code shown} are the environments that have gauges already. Null values have no measure (no
     * successful deployment, no failure restored).
     */
    public static Map<String, Map<String, Number>> values(ChangeRecordStore store, Instant now, Collection<String> shown) {
        Map<String, Map<String, Number>> result = new LinkedHashMap<>();
        for (EnvironmentMeasures.Of m : EnvironmentMeasures.of(store, new RecordQuery(null, null, now.minus(WINDOW), now), MAX_ENVIRONMENTS, shown)) {
            DoraMetrics d = m.dora();
            IncidentMetrics i = m.incidents();
            Map<String, Number> gauges = new LinkedHashMap<>();
            gauges.put(NAMES[0], d.deploymentFrequency());
            gauges.put(NAMES[1], d.leadTimeMedian());
            gauges.put(NAMES[2], d.changeFailureRate());
            gauges.put(NAMES[3], i == null ? null : i.changeFailureRate());
            gauges.put(NAMES[4], d.timeToRestoreMedian());
            gauges.put(NAMES[5], i == null ? null : i.timeToRestoreMedian());
            gauges.put(NAMES[6], i == null ? null : i.open());
            gauges.put(NAMES[7], m.awaitingReview());
            result.put(m.environment(), gauges);
        }
        return result;
    }
}
