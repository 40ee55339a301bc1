package io.jenkins.plugins.riskgate.operations;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import jenkins.metrics.api.Metrics;

/**
 * The only class that touches the Metrics plugin's API: loaded only when {@link Telemetry#available()}
 * says the plugin is there (it is an optional dependency).
 */
final class MetricsBridge {
    private MetricsBridge() {
    }

    static MetricRegistry registry() {
        return Metrics.metricRegistry();
    }

    static void count(String name) {
        registry().counter(Telemetry.PREFIX + name).inc();
    }

    static void time(String name, long millis) {
        registry().timer(Telemetry.PREFIX + name).update(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    /** Registers a gauge once; it reads {@code value} whenever the registry is read. */
    static void gauge(String name, Supplier<Number> value) {
        String full = Telemetry.PREFIX + name;
        if (!registry().getGauges().containsKey(full)) {
            registry().gauge(full, () -> (Gauge<Number>) value::get);
        }
    }

    /** The names of the gauges registered so far, for tests. */
    static Map<String, Gauge> gauges() {
        return registry().getGauges((n, m) -> n.startsWith(Telemetry.PREFIX));
    }
}
