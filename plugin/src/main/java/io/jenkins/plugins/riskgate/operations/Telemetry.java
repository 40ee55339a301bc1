package io.jenkins.plugins.riskgate.operations;

import io.jenkins.plugins.riskgate.JenkinsFacade;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.Incident;
import io.riskgate.records.IncidentStore;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The plugin's metrics, in the Metrics plugin's registry when that plugin is installed (and from
 * there in the Prometheus plugin's /prometheus): names in docs/telemetry.md. Without the Metrics
 * plugin every call does nothing. Calls are cheap (a counter, a timer) and never throw.
 */
@Restricted(NoExternalUse.class)
public final class Telemetry {
    private static final Logger LOGGER = Logger.getLogger(Telemetry.class.getName());
    static final String PREFIX = "riskgate.";

    private Telemetry() {
    }

    /** Whether the Metrics plugin is installed and active. */
    static boolean available() {
        JenkinsFacade j = JenkinsFacade.JENKINS;
        return j.running() && j.hasPlugin("metrics");
    }

    /** A metric name part from a user's name (an environment): lower case letters, digits and underscores. */
    static String part(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return s.isEmpty() ? "unnamed" : s.length() > 64 ? s.substring(0, 64) : s;
    }

    private static void safely(Runnable r) {
        if (!available()) {
            return;
        }
        try {
            r.run();
        } catch (RuntimeException | LinkageError e) {
            LOGGER.log(Level.FINE, "cannot update the riskgate metrics", e);
        }
    }

    /** A gate decision for an environment: ALLOW, NEEDS_APPROVAL or BLOCK. */
    public static void gateDecision(String environment, String outcome) {
        safely(() -> MetricsBridge.count("gate.decisions." + part(environment) + "." + part(outcome)));
    }

    /** A waiting promotion that settled, approved, after waiting this many milliseconds. */
    public static void approvalWait(String environment, long millis) {
        safely(() -> MetricsBridge.time("approval.wait." + part(environment), millis));
    }

    /** A finished deployment: its outcome, its duration, and a rollback when it was rolled back. */
    public static void deployment(ChangeRecord r) {
        safely(() -> {
            MetricsBridge.count("deployments." + part(r.environment()) + "." + part(r.outcome().name()));
            MetricsBridge.time("deployment.duration." + part(r.environment()), r.finishedAt().toEpochMilli() - r.startedAt().toEpochMilli());
            if (r.outcome() == io.riskgate.records.Outcome.ROLLED_BACK) {
                MetricsBridge.count("rollbacks." + part(r.environment()));
            }
        });
    }

    /** An incident opened, resolved or recorded. */
    static void incident(Incident i, IncidentStore.Change change) {
        safely(() -> MetricsBridge.count("incidents." + part(i.environment()) + "." + (i.open() ? "opened" : "resolved")));
    }

    /** A review attached. */
    static void review(IncidentStore.Change change) {
        if (change != IncidentStore.Change.UNCHANGED) {
            safely(() -> MetricsBridge.count("reviews.attached"));
        }
    }
}
