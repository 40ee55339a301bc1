package io.jenkins.plugins.riskgate.operations;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import io.jenkins.plugins.riskgate.ChangeRecords;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.DoraMetrics;
import io.riskgate.records.IncidentMetrics;
import io.riskgate.records.RecordQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The gauges of the registry (DORA measures per environment over the last 30 days, the promotions
 * waiting for approval), computed in the background every few minutes, never while the registry is
 * read: a scrape costs nothing and never touches the record store.
 */
@Extension
@Restricted(NoExternalUse.class)
public final class DeliveryGauges extends AsyncPeriodicWork {
    static final Duration WINDOW = Duration.ofDays(30);
    /** The most environments that get gauges of their own. */
    static final int MAX_ENVIRONMENTS = 100;
    /** The values the gauges read, by gauge name. */
    static final Map<String, Number> VALUES = new ConcurrentHashMap<>();
    private static final java.util.logging.Logger LOGGER = java.util.logging.Logger.getLogger(DeliveryGauges.class.getName());

    public DeliveryGauges() {
        super("Deployment risk gates metrics");
    }

    @Override
    public long getRecurrencePeriod() {
        return TimeUnit.MINUTES.toMillis(5);
    }

    @Override
    public long getInitialDelay() {
        return TimeUnit.SECONDS.toMillis(30);
    }

    @Override
    protected void execute(TaskListener listener) {
        io.jenkins.plugins.riskgate.JenkinsFacade jenkins = io.jenkins.plugins.riskgate.JenkinsFacade.JENKINS;
        Object controller = jenkins.controller();
        if (jenkins.terminating(controller)) {
            return; // the controller stops: the gauges are read again after the next start
        }
        try {
            refresh();
        } catch (io.riskgate.records.RecordStoreException e) {
            // the store is down or busy: the gauges keep their last values until a later run reads it
            LOGGER.warning(() -> "the deployment gauges keep their last values: " + e.getMessage());
        } catch (IllegalStateException | NullPointerException e) {
            if (!jenkins.terminating(controller)) {
                throw e;
            }
        }
    }

    /** Computes every gauge's value now and registers gauges new environments need. */
    static void refresh() {
        if (!Telemetry.available()) {
            return;
        }
        set("promotions.waiting", waitingPromotions());
        Instant now = Instant.now();
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            // the environments come from the store's day aggregates: no read of the window's records
            for (String env : store.environments(new RecordQuery(null, null, now.minus(WINDOW), null), MAX_ENVIRONMENTS)) {
                RecordQuery q = new RecordQuery(env, null, now.minus(WINDOW), null);
                DoraMetrics d = store.dora(q);
                IncidentMetrics i = store.incidents().metrics(q);
                String e = "dora." + Telemetry.part(env) + ".";
                set(e + "deployment_frequency_per_day", d.deploymentFrequency());
                set(e + "lead_time_median_seconds", d.leadTimeMedian());
                set(e + "change_failure_ratio", d.changeFailureRate());
                set(e + "incident_change_failure_ratio", i.changeFailureRate());
                set(e + "time_to_restore_median_seconds", d.timeToRestoreMedian());
                set(e + "incident_time_to_restore_median_seconds", i.timeToRestoreMedian());
                set(e + "incidents_open", i.open());
                set(e + "awaiting_review", store.incidents().awaitingReviewCount(q));
            }
        }
    }

    private static void set(String name, Number value) {
        VALUES.put(name, value == null ? Double.NaN : value);
        MetricsBridge.gauge(name, () -> VALUES.getOrDefault(name, Double.NaN));
    }

    /** Promotions of running builds that wait for approval, from the index the dashboard reads (no walk over the builds). */
    static int waitingPromotions() {
        return io.jenkins.plugins.riskgate.WaitingApprovals.count();
    }
}
