package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskgate.RiskGateException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentPayloadTest {
    static String alertmanager(String status, String endsAt) {
        return """
                {"version":"4","groupKey":"{}:{alertname=\\"HighErrorRate\\"}","status":"%s","receiver":"riskgate",
                 "groupLabels":{"alertname":"HighErrorRate"},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am:9093",
                 "alerts":[
                  {"status":"%s","labels":{"alertname":"HighErrorRate","service":"shop","env":"production","severity":"critical"},
                   "annotations":{"summary":"5xx above 5%% for 10m"},"startsAt":"2026-11-02T13:30:00.123456Z","endsAt":"%s",
                   "generatorURL":"http://prom/graph","fingerprint":"c0ffee1234"},
                  {"status":"%s","labels":{"alertname":"DiskFull","instance":"db1"},"annotations":{},
                   "startsAt":"2026-11-02T13:31:00Z","endsAt":"%s","fingerprint":"beef"}
                 ]}""".formatted(status, status, endsAt, status, endsAt);
    }

    @Test
    void alertmanagerFiringOpensAndResolvedResolvesTheSameIncident(@TempDir Path dir) {
        IncidentPayload.Parsed firing = IncidentPayload.parse(alertmanager("firing", "0001-01-01T00:00:00Z"), IncidentPayload.Labels.DEFAULT);
        assertThat(firing.reports()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("alertmanager:c0ffee1234@" + Instant.parse("2026-11-02T13:30:00.123Z").toEpochMilli());
            assertThat(r.title()).isEqualTo("5xx above 5% for 10m");
            assertThat(r.severity()).isEqualTo("critical");
            assertThat(r.pipeline()).isEqualTo("shop");
            assertThat(r.environment()).isEqualTo("production");
            assertThat(r.resolvedAt()).isNull();
        });
        assertThat(firing.skipped()).singleElement().asString().contains("DiskFull").contains("no label riskgate_pipeline/pipeline/service/job");
        IncidentPayload.Parsed resolved = IncidentPayload.parse(alertmanager("resolved", "2026-11-02T14:00:00Z"), IncidentPayload.Labels.DEFAULT);
        assertThat(resolved.reports().get(0).id()).isEqualTo(firing.reports().get(0).id());
        assertThat(resolved.reports().get(0).resolvedAt()).isEqualTo(Instant.parse("2026-11-02T14:00:00Z"));

        try (ChangeRecordStore store = RecordStores.open(dir.toString())) {
            store.saveAll(ChangeRecordStoreContract.history());
            assertThat(store.incidents().apply(firing.reports())).singleElement().satisfies(r -> {
                assertThat(r.change()).isEqualTo(IncidentStore.Change.ADDED);
                assertThat(r.incident().deploymentId()).as("c1 was live at 13:30 (c2 failed)").isEqualTo(ChangeRecordStoreContract.history().get(0).id());
            });
            assertThat(store.incidents().apply(firing.reports()).get(0).change()).as("Alertmanager repeats firing alerts")
                    .isEqualTo(IncidentStore.Change.UNCHANGED);
            assertThat(store.incidents().apply(resolved.reports()).get(0).incident().restoreSeconds()).isEqualTo(1799);
            assertThat(store.incidents().apply(resolved.reports()).get(0).change()).isEqualTo(IncidentStore.Change.UNCHANGED);
        }
    }

    @Test
    void labelsCanBeNamedAndAPlainObjectIsOneIncident() {
        String body = "{\"alerts\":[{\"status\":\"firing\",\"labels\":{\"app\":\"shop\",\"stage\":\"prod\"},\"startsAt\":\"2026-11-02T13:30:00Z\"}]}";
        assertThat(IncidentPayload.parse(body, IncidentPayload.Labels.DEFAULT).reports()).isEmpty();
        IncidentReport r = IncidentPayload.parse(body, IncidentPayload.Labels.DEFAULT.first("app", "stage")).reports().get(0);
        assertThat(r.pipeline() + "/" + r.environment()).isEqualTo("shop/prod");

        IncidentReport plain = IncidentPayload.parse("{\"id\":\"INC-7\",\"title\":\"down\",\"pipeline\":\"shop\",\"environment\":\"production\","
                + "\"startedAt\":\"2026-11-02T13:30:00Z\",\"commit\":\"abcdef1\"}", IncidentPayload.Labels.DEFAULT).reports().get(0);
        assertThat(plain.id()).isEqualTo("INC-7");
        assertThat(plain.source()).isEqualTo("api");
        assertThat(plain.commit()).isEqualTo("abcdef1");
    }

    @Test
    void badBodiesAreRefusedWithOneLine() {
        assertThatThrownBy(() -> IncidentPayload.parse("{\"id\":", IncidentPayload.Labels.DEFAULT))
                .isInstanceOf(RiskGateException.class).hasMessageStartingWith("the body is not JSON");
        assertThatThrownBy(() -> IncidentPayload.parse("[1]", IncidentPayload.Labels.DEFAULT)).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> IncidentPayload.parse("[".repeat(100) + "]".repeat(100), IncidentPayload.Labels.DEFAULT))
                .isInstanceOf(RiskGateException.class);
        assertThatThrownBy(() -> IncidentPayload.parse("{\"id\":\"x\",\"startedAt\":\"soon\"}", IncidentPayload.Labels.DEFAULT))
                .hasMessageContaining("startedAt 'soon' is not a time");
        assertThatThrownBy(() -> IncidentPayload.parse("{\"alerts\":[" + "{},".repeat(1000) + "{}]}", IncidentPayload.Labels.DEFAULT))
                .hasMessageContaining("more than the 1000");
    }
}
