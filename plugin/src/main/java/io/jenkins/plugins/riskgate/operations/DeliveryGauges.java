package io.jenkins.plugins.riskgate.operations;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import io.jenkins.plugins.riskgate.ChangeRecords;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.metrics.EnvironmentGauges;
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
    /** The environments that have gauges: they are computed again on every run, also once they stop deploying. */
    private static final java.util.Set<String> SHOWN = ConcurrentHashMap.newKeySet();
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
            // the environments and values come from the store's aggregates: no read of the window's records
            EnvironmentGauges.values(store, now, SHOWN).forEach((env, gauges) -> {
                SHOWN.add(env);
                gauges.forEach((name, value) -> set("dora." + Telemetry.part(env) + "." + name, value));
            });
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
