package io.riskgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riskgate.metrics.Calibration;
import io.riskgate.records.DoraMetrics;
import io.riskgate.metrics.Readiness;
import io.riskgate.records.TrendPoint;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Incident;
import io.riskgate.records.IncidentMetrics;
import io.riskgate.records.IncidentStore;
import io.riskgate.records.RecordQuery;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the change records say about delivery: DORA metrics, weekly trends, readiness per pipeline
 * and risk calibration, for one selection of records. The JSON keys are documented in docs/metrics.md;
 * its numbers are at full precision (text and HTML round them).
 */
public record DeliveryReport(RecordQuery query, DoraMetrics dora, List<TrendPoint> weekly,
                             List<Readiness.PipelineReadiness> readiness, List<Calibration.LevelRow> calibration, Double auc,
                             long unscored, Incidents incidents) {
    /** How many of the failures waiting for a review the report lists. */
    public static final int AWAITING_LISTED = 50;

    /** What the store's incidents and reviews add: the incident-based metrics, the newest incidents, the failures waiting for a review. */
    public record Incidents(IncidentMetrics metrics, List<Incident> recent, List<IncidentStore.AwaitingReview> awaitingReview, Instant now) {
    }

    public DeliveryReport(RecordQuery query, DoraMetrics dora, List<TrendPoint> weekly, List<Readiness.PipelineReadiness> readiness,
                          List<Calibration.LevelRow> calibration, Double auc, long unscored) {
        this(query, dora, weekly, readiness, calibration, auc, unscored, null);
    }

    /**
     * Computes the report from the store's aggregates (docs/metrics.md, "How the reports are
     * computed"): no pass over all records, so it costs about the same for a thousand records or a million.
     */
    public static DeliveryReport of(ChangeRecordStore store, RecordQuery query, Instant now, String productionEnvironment) {
        IncidentStore incidentStore = incidents(store);
        // the aggregates count outcomes and pirUrl; the incident-linked and reviewed deployments correct them exactly
        List<io.riskgate.records.ChangeRecord> caused = incidentStore == null ? List.of()
                : Readiness.records(store, incidentStore.linkedDeployments(query));
        java.util.Set<String> reviewed = incidentStore == null ? java.util.Set.of() : incidentStore.reviewedWithoutUrl(query);
        Calibration calibration = Calibration.of(store.scores(query), caused);
        return new DeliveryReport(query, store.dora(query), store.trend(query, Duration.ofDays(7)),
                Readiness.of(store, query, now, productionEnvironment, caused, reviewed), calibration.levels(), calibration.auc(),
                calibration.unscored(), incidentsOf(incidentStore, query, now));
    }

    /** The same report from one streamed pass over the selected records (what the aggregates must agree with). */
    public static DeliveryReport streamed(ChangeRecordStore store, RecordQuery query, Instant now, String productionEnvironment) {
        IncidentStore incidentStore = incidents(store);
        java.util.Set<String> caused = incidentStore == null ? java.util.Set.of() : incidentStore.linkedDeployments(query);
        Readiness readiness = new Readiness(now, productionEnvironment,
                incidentStore == null ? java.util.Set.of() : incidentStore.reviewedDeployments(query), caused);
        Calibration calibration = new Calibration(caused);
        store.forEach(query, r -> {
            readiness.add(r);
            calibration.add(r);
        });
        return new DeliveryReport(query, store.dora(query), store.trend(query, Duration.ofDays(7)), readiness.pipelines(),
                calibration.levels(), calibration.auc(), calibration.unscored(), incidentsOf(incidentStore, query, now));
    }

    private static Incidents incidentsOf(IncidentStore incidentStore, RecordQuery query, Instant now) {
        return incidentStore == null ? null : new Incidents(incidentStore.metrics(query),
                incidentStore.incidents(query, 0, 10), incidentStore.awaitingReview(query, AWAITING_LISTED), now);
    }

    private static IncidentStore incidents(ChangeRecordStore store) {
        try {
            return store.incidents();
        } catch (UnsupportedOperationException e) {
            return null;
        }
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("environment", query.environment());
        window.put("pipeline", query.pipeline());
        window.put("since", dora.since() == null ? null : dora.since().toString());
        window.put("until", dora.until() == null ? null : dora.until().toString());
        window.put("days", dora.windowDays());
        m.put("window", window);
        m.put("deployments", dora.deployments());
        m.put("successful", dora.successful());
        m.put("failures", dora.failures());
        m.put("deploymentFrequency", dora.deploymentFrequency());
        Map<String, Object> lead = new LinkedHashMap<>();
        lead.put("median", dora.leadTimeMedian());
        lead.put("p90", dora.leadTimeP90());
        m.put("leadTime", lead);
        Map<String, Object> restore = new LinkedHashMap<>();
        restore.put("median", dora.timeToRestoreMedian());
        m.put("timeToRestore", restore);
        m.put("changeFailureRate", dora.changeFailureRate());
        List<Object> weeks = new ArrayList<>();
        for (TrendPoint p : weekly) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("start", p.start().toString());
            w.put("deployments", p.deployments());
            w.put("failures", p.failures());
            w.put("leadTimeMedian", p.leadTimeMedian());
            weeks.add(w);
        }
        m.put("weekly", weeks);
        List<Object> pipelines = new ArrayList<>();
        for (Readiness.PipelineReadiness r : readiness) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("pipeline", r.pipeline());
            p.put("ready", r.ready());
            p.put("checksPassed", r.checksPassed());
            p.put("checks", Readiness.PipelineReadiness.checks());
            p.put("rollbackDeclared", r.rollbackDeclared());
            p.put("rollbackRehearsed", r.rollbackRehearsed());
            p.put("runbookLinked", r.runbookLinked());
            p.put("testsGating", r.testsGating());
            p.put("productionApprovals", r.productionApprovals());
            p.put("recentFailures", r.recentFailures());
            p.put("recentFailuresWithReview", r.recentFailuresWithReview());
            p.put("failuresWithoutReview", r.failuresWithoutReview());
            p.put("lastDeployment", r.lastDeployment().toString());
            pipelines.add(p);
        }
        m.put("readiness", pipelines);
        Map<String, Object> cal = new LinkedHashMap<>();
        List<Object> levels = new ArrayList<>();
        for (Calibration.LevelRow row : calibration) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("level", row.level());
            l.put("deployments", row.deployments());
            l.put("failures", row.failures());
            l.put("changeFailureRate", row.changeFailureRate());
            levels.add(l);
        }
        cal.put("levels", levels);
        cal.put("auc", auc);
        cal.put("unscored", unscored);
        m.put("calibration", cal);
        if (incidents != null) {
            m.put("incidents", incidentsMap());
        }
        return m;
    }

    private Map<String, Object> incidentsMap() {
        IncidentMetrics x = incidents.metrics();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", x.incidents());
        m.put("open", x.open());
        m.put("unlinked", x.unlinked());
        m.put("deploymentsCausingIncidents", x.causedIncident());
        m.put("changeFailureRate", x.changeFailureRate());
        m.put("combinedChangeFailureRate", x.combinedFailureRate());
        Map<String, Object> restore = new LinkedHashMap<>();
        restore.put("median", x.timeToRestoreMedian());
        restore.put("p90", x.timeToRestoreP90());
        m.put("timeToRestore", restore);
        List<Object> recent = new ArrayList<>();
        for (Incident i : incidents.recent()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", i.id());
            e.put("title", i.title());
            e.put("severity", i.severity());
            e.put("pipeline", i.pipeline());
            e.put("environment", i.environment());
            e.put("startedAt", i.startedAt().toString());
            e.put("resolvedAt", i.resolvedAt() == null ? null : i.resolvedAt().toString());
            e.put("deployment", i.deploymentId());
            e.put("link", i.link().name());
            recent.add(e);
        }
        m.put("recent", recent);
        List<Object> awaiting = new ArrayList<>();
        for (IncidentStore.AwaitingReview a : incidents.awaitingReview()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("deployment", a.deploymentId());
            e.put("pipeline", a.pipeline());
            e.put("environment", a.environment());
            e.put("commit", a.commit());
            e.put("finishedAt", a.finishedAt().toString());
            e.put("why", a.why());
            e.put("ageDays", Duration.between(a.finishedAt(), incidents.now()).toSeconds() / 86400.0);
            awaiting.add(e);
        }
        m.put("awaitingReview", awaiting);
        return m;
    }

    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String toText() {
        StringBuilder out = new StringBuilder();
        String nl = System.lineSeparator();
        out.append(String.format(Locale.ROOT, "Deployments %d (%d successful, %d failed or rolled back) over %.1f days%s%s%n",
                dora.deployments(), dora.successful(), dora.failures(), dora.windowDays(),
                query.environment() == null ? "" : ", environment " + TerminalText.safe(query.environment()),
                query.pipeline() == null ? "" : ", pipeline " + TerminalText.safe(query.pipeline())));
        out.append(String.format(Locale.ROOT, "  deployment frequency   %.2f per day%n", dora.deploymentFrequency()));
        out.append("  lead time for changes  median ").append(duration(dora.leadTimeMedian())).append(", p90 ")
                .append(duration(dora.leadTimeP90())).append(nl);
        out.append("  change failure rate    ").append(percent(dora.changeFailureRate())).append(nl);
        out.append("  time to restore        median ").append(duration(dora.timeToRestoreMedian())).append(nl);
        if (incidents != null) {
            IncidentMetrics x = incidents.metrics();
            if (x.incidents() > 0 || x.causedIncident() > 0) {   // without incidents the section would only say n/a
                out.append(String.format(Locale.ROOT, "Incidents %d (%d open, %d with no deployment live when they started)%n", x.incidents(),
                        x.open(), x.unlinked()));
                out.append("  change failure rate    ").append(percent(x.changeFailureRate())).append(" of deployments caused an incident (")
                        .append(x.causedIncident()).append(" of ").append(x.deployments()).append("); failed or caused an incident ")
                        .append(percent(x.combinedFailureRate())).append(nl);
                out.append("  time to restore        median ").append(duration(x.timeToRestoreMedian())).append(", p90 ")
                        .append(duration(x.timeToRestoreP90())).append(" from incident start to resolution").append(nl);
            }
            if (!incidents.awaitingReview().isEmpty()) {
                out.append(nl).append("Waiting for a post-incident review").append(nl);
                for (IncidentStore.AwaitingReview a : incidents.awaitingReview()) {
                    out.append(String.format(Locale.ROOT, "  %-32s %-20s %-12s %-10s %s, %s old%n", a.deploymentId(),
                            TerminalText.safe(a.pipeline()), TerminalText.safe(a.environment()),
                            TerminalText.safe(a.commit().substring(0, Math.min(10, a.commit().length()))), a.why(),
                            duration((double) Duration.between(a.finishedAt(), incidents.now()).toSeconds())));
                }
            }
        }
        if (!readiness.isEmpty()) {
            out.append(nl).append("Readiness").append(nl);
            for (Readiness.PipelineReadiness r : readiness) {
                out.append(String.format(Locale.ROOT, "  %-30s %s %d/%d%s%n", TerminalText.safe(r.pipeline()), r.ready() ? "READY   " : "AT RISK ",
                        r.checksPassed(), Readiness.PipelineReadiness.checks(), missing(r)));
            }
        }
        out.append(nl).append("Calibration (change failure rate per risk level)").append(nl);
        for (Calibration.LevelRow row : calibration) {
            out.append(String.format(Locale.ROOT, "  %-9s %6d deployment%s %s%n", row.level(), row.deployments(),
                    row.deployments() == 1 ? " " : "s", percent(row.changeFailureRate())));
        }
        out.append("  AUC of the score against outcomes: ").append(auc == null ? "n/a (needs failures and successes with scores)"
                : String.format(Locale.ROOT, "%.3f", auc)).append(nl);
        return out.toString();
    }

    private static String missing(Readiness.PipelineReadiness r) {
        List<String> gaps = new ArrayList<>();
        if (!r.rollbackDeclared()) {
            gaps.add("no rollback declared");
        }
        if (!r.rollbackRehearsed()) {
            gaps.add("rollback not exercised in 90 days");
        }
        if (!r.runbookLinked()) {
            gaps.add("no runbook");
        }
        if (!r.testsGating()) {
            gaps.add("no tests gating");
        }
        if (!r.productionApprovals()) {
            gaps.add("no production approvals");
        }
        if (r.recentFailures() > r.recentFailuresWithReview()) {
            int open = r.recentFailures() - r.recentFailuresWithReview();
            gaps.add(open + " recent failure" + (open == 1 ? "" : "s") + " without a post-incident review");
        }
        return gaps.isEmpty() ? "" : ": " + String.join(", ", gaps);
    }

    /** Seconds in words for people: 45s, 12m, 3.5h, 2.1d; n/a for null. */
    public static String duration(Double seconds) {
        if (seconds == null) {
            return "n/a";
        }
        long s = Math.round(seconds);
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return Math.round(s / 60.0) + "m";
        }
        if (s < 172_800) {
            return String.format(Locale.ROOT, "%.1fh", s / 3600.0);
        }
        return String.format(Locale.ROOT, "%.1fd", s / 86400.0);
    }

    /** A share as a percentage with one decimal; n/a for null. */
    public static String percent(Double share) {
        return share == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
