package io.riskgate.report;

import io.riskgate.metrics.EnvironmentMeasures;
import io.riskgate.metrics.Readiness;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.DoraMetrics;
import io.riskgate.records.IncidentMetrics;
import io.riskgate.records.RecordQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The delivery metrics as OpenMetrics text (application/openmetrics-text; version=1.0.0): one gauge
 * family a measure, one series an environment (label {@code environment}; {@code pipeline} too when
 * the report is for one pipeline), base units (seconds, ratios from 0 to 1) named in the metric name,
 * ending with {@code # EOF}. Unknown values (a median without data) are left out rather than written
 * as NaN. The names are listed in docs/telemetry.md.
 */
public final class OpenMetricsReport {
    public static final String CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    /** How many environments one report describes at most: label values come from the records, so their number is bounded. */
    public static final int MAX_ENVIRONMENTS = 1000;

    /** One family: its name, unit (or null), help and samples in order. */
    private record Family(String name, String unit, String help, List<String> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private OpenMetricsReport() {
    }

    /**
     * The metrics of each environment of the query's records (or of the query's environment, {@link EnvironmentMeasures}),
     * and readiness per pipeline. A window with a start and no end ends at {@code now}.
     */
    public static String of(ChangeRecordStore store, RecordQuery query, Instant now, String productionEnvironment) {
        if (query.since() != null && query.until() == null && now.isAfter(query.since())) {
            // the text is a reading as of now ("the last 30 days"): a window with a start and no end ends now, so that the deployments
            // per day are over the days up to now, not up to the last deployment (three on the window's first day are not three a day)
            query = new RecordQuery(query.environment(), query.pipeline(), query.since(), now, query.outcome(), query.riskLevel(),
                    query.pipelines());
        }
        OpenMetricsReport out = new OpenMetricsReport();
        out.declare();
        for (EnvironmentMeasures.Of m : EnvironmentMeasures.of(store, query, MAX_ENVIRONMENTS, Set.of())) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("environment", m.environment());
            if (query.pipeline() != null) {
                labels.put("pipeline", query.pipeline());
            }
            out.environment(labels, m.dora(), m.incidents(), m.awaitingReview());
        }
        for (Readiness.PipelineReadiness r : DeliveryReport.of(store, query, now, productionEnvironment).readiness()) {
            Map<String, String> labels = Map.of("pipeline", r.pipeline());
            out.sample("riskgate_pipeline_ready", "", labels, r.ready() ? 1 : 0);
            out.sample("riskgate_readiness_checks_passed", "", labels, r.checksPassed());
        }
        return out.text();
    }

    private void declare() {
        family("riskgate_deployments", null, "Deployments that finished in the window.");
        family("riskgate_deployment_failures", null, "Deployments in the window that failed or were rolled back.");
        family("riskgate_deployments_per_day", null, "Successful deployments per day over the window (deployment frequency).");
        family("riskgate_lead_time_median_seconds", "seconds", "Median time from commit to successful deployment.");
        family("riskgate_lead_time_p90_seconds", "seconds", "90th percentile (nearest rank) of the time from commit to successful deployment.");
        family("riskgate_change_failure_ratio", "ratio", "Change failure rate: by definition, deployments that failed or were rolled back"
                + " (deployment), that caused an incident (incident), or either (combined), over all deployments.");
        family("riskgate_time_to_restore_median_seconds", "seconds", "Median time to restore: from a failed deployment to the next"
                + " successful one (deployment), or from incident start to resolution (incident).");
        family("riskgate_incidents", null, "Incidents that started in the window.");
        family("riskgate_incidents_open", null, "Of them, the ones not resolved.");
        family("riskgate_incidents_unlinked", null, "Of them, the ones no deployment was live for when they started.");
        family("riskgate_deployments_awaiting_review", null, "Failed, rolled-back or incident-linked deployments without a post-incident review.");
        family("riskgate_pipeline_ready", null, "1 when a pipeline passes every readiness check, else 0.");
        family("riskgate_readiness_checks_passed", null, "How many of the six readiness checks a pipeline passes.");
    }

    private void environment(Map<String, String> labels, DoraMetrics d, IncidentMetrics i, Long awaiting) {
        sample("riskgate_deployments", "", labels, d.deployments());
        sample("riskgate_deployment_failures", "", labels, d.failures());
        sample("riskgate_deployments_per_day", "", labels, d.deploymentFrequency());
        sample("riskgate_lead_time_median_seconds", "", labels, d.leadTimeMedian());
        sample("riskgate_lead_time_p90_seconds", "", labels, d.leadTimeP90());
        sample("riskgate_change_failure_ratio", "", with(labels, "definition", "deployment"), d.changeFailureRate());
        sample("riskgate_time_to_restore_median_seconds", "", with(labels, "definition", "deployment"), d.timeToRestoreMedian());
        if (i != null) {
            sample("riskgate_change_failure_ratio", "", with(labels, "definition", "incident"), i.changeFailureRate());
            sample("riskgate_change_failure_ratio", "", with(labels, "definition", "combined"), i.combinedFailureRate());
            sample("riskgate_time_to_restore_median_seconds", "", with(labels, "definition", "incident"), i.timeToRestoreMedian());
            sample("riskgate_incidents", "", labels, i.incidents());
            sample("riskgate_incidents_open", "", labels, i.open());
            sample("riskgate_incidents_unlinked", "", labels, i.unlinked());
            sample("riskgate_deployments_awaiting_review", "", labels, awaiting);
        }
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(labels);
        m.put(name, value);
        return m;
    }

    private void family(String name, String unit, String help) {
        families.put(name, new Family(name, unit, help, new ArrayList<>()));
    }

    private void sample(String family, String suffix, Map<String, String> labels, Number value) {
        if (value == null || value instanceof Double d && !Double.isFinite(d)) {
            return;
        }
        StringBuilder s = new StringBuilder(family).append(suffix);
        if (!labels.isEmpty()) {
            s.append('{');
            boolean first = true;
            for (Map.Entry<String, String> l : labels.entrySet()) {
                s.append(first ? "" : ",").append(l.getKey()).append("=\"").append(escape(l.getValue())).append('"');
                first = false;
            }
            s.append('}');
        }
        s.append(' ').append(value instanceof Double d ? number(d) : value.toString());
        families.get(family).samples().add(s.toString());
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
    }

    /** A label value as OpenMetrics writes it: backslash, double quote and line feed escaped. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private String text() {
        StringBuilder out = new StringBuilder();
        for (Family f : families.values()) {
            if (f.samples().isEmpty()) {
                continue;
            }
            out.append("# TYPE ").append(f.name()).append(" gauge\n");
            if (f.unit() != null && !f.unit().equals("ratio")) {
                out.append("# UNIT ").append(f.name()).append(' ').append(f.unit()).append('\n');
            }
            out.append("# HELP ").append(f.name()).append(' ').append(f.help().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            f.samples().forEach(s -> out.append(s).append('\n'));
        }
        return out.append("# EOF\n").toString();
    }
}
