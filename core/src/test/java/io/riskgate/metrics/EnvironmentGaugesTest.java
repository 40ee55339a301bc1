package io.riskgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.IncidentReport;
import io.riskgate.records.Outcome;
import io.riskgate.records.RecordStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentGaugesTest {
    static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

    @TempDir
    Path dir;

    private static ChangeRecord deployed(String env, String commit, Instant finished, Outcome outcome) {
        return ChangeRecord.of("shop", env, commit, finished.minus(Duration.ofHours(2)), finished.minusSeconds(300), finished, outcome, 20, "LOW");
    }

    @Test
    void theFrequencyIsOverTheWholeWindowEvenWhenTheLastDeploymentIsLongAgo() {
        try (ChangeRecordStore store = RecordStores.open(dir.resolve("store").toString())) {
            Instant early = NOW.minus(Duration.ofDays(29));
            store.saveAll(List.of(deployed("production", "d1", early, Outcome.SUCCEEDED),
                    deployed("production", "d2", early.plusSeconds(600), Outcome.SUCCEEDED),
                    deployed("production", "d3", early.plusSeconds(1200), Outcome.SUCCEEDED)));
            assertThat(EnvironmentGauges.values(store, NOW, Set.of()).get("production").get("deployment_frequency_per_day").doubleValue())
                    .as("3 successful deployments in 30 days").isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void environmentsThatDeployedInTheWindowAndThoseShownAlreadyGetGauges() {
        try (ChangeRecordStore store = RecordStores.open(dir.resolve("store").toString())) {
            store.saveAll(List.of(
                    deployed("production", "a1", NOW.minus(Duration.ofDays(3)), Outcome.SUCCEEDED),
                    deployed("production", "a2", NOW.minus(Duration.ofDays(2)), Outcome.FAILED),
                    deployed("production", "a3", NOW.minus(Duration.ofDays(1)), Outcome.SUCCEEDED),
                    // stopped deploying 40 days ago
                    deployed("staging", "b1", NOW.minus(Duration.ofDays(40)), Outcome.SUCCEEDED),
                    // on the window's first day, six hours before the window starts: the day aggregates name it
                    deployed("edge", "c1", NOW.minus(Duration.ofDays(30)).minus(Duration.ofHours(6)), Outcome.SUCCEEDED)));
            store.incidents().open(new IncidentReport("inc-1", "test", "checkout down", "P1", "shop", "staging",
                    NOW.minus(Duration.ofDays(5)), null, null, null));

            Map<String, Map<String, Number>> fresh = EnvironmentGauges.values(store, NOW, Set.of());
            assertThat(fresh).containsOnlyKeys("production");
            Map<String, Number> production = fresh.get("production");
            assertThat(production).containsOnlyKeys(EnvironmentGauges.NAMES);
            assertThat(production.get("deployment_frequency_per_day").doubleValue()).isCloseTo(2 / 30.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(production.get("change_failure_ratio").doubleValue()).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(production.get("lead_time_median_seconds").doubleValue()).isEqualTo(7200.0);
            assertThat(production.get("time_to_restore_median_seconds").doubleValue()).isEqualTo(86_400.0);
            assertThat(production.get("awaiting_review").longValue()).as("a2 failed without a review").isEqualTo(1);
            assertThat(production.get("incidents_open").longValue()).isZero();

            // gauges shown before are computed again: what the window holds, not what they showed last
            Map<String, Map<String, Number>> later = EnvironmentGauges.values(store, NOW, Set.of("staging", "edge", "production"));
            assertThat(later.keySet()).containsExactly("edge", "production", "staging");
            Map<String, Number> staging = later.get("staging");
            assertThat(staging.get("deployment_frequency_per_day").doubleValue()).isZero();
            assertThat(staging.get("lead_time_median_seconds")).isNull();
            assertThat(staging.get("incidents_open").longValue()).as("an incident is open where nothing deployed lately").isEqualTo(1);
            assertThat(later.get("edge").get("deployment_frequency_per_day").doubleValue()).isZero();
            assertThat(later.get("edge").get("change_failure_ratio")).isNull();
            assertThat(later.get("production")).isEqualTo(production);
        }
    }
}
