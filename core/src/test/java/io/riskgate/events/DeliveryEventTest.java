package io.riskgate.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskgate.gate.GateDecision;
import io.riskgate.gate.GateOutcome;
import io.riskgate.gate.RuleResult;
import io.riskgate.records.Incident;
import io.riskgate.records.Review;
import io.riskgate.report.PromotionNotice;
import io.riskgate.risk.Level;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every fact of a delivery as one event: ids from what identifies the fact, bounded text, the documented JSON. */
class DeliveryEventTest {
    static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    static GateDecision decision(GateOutcome outcome) {
        return new GateDecision("production", outcome, "a".repeat(40), 68, Level.HIGH, List.of(
                new RuleResult("tests.minimum", true, GateOutcome.BLOCK, "2 tests ran"),
                new RuleResult("risk.approval", false, GateOutcome.NEEDS_APPROVAL, "risk 68 (HIGH) is at or above 50: a release manager must approve")));
    }

    static Incident incident(Instant resolved) {
        return new Incident("fp-1@2026-12-01T10:05:00Z", "alertmanager", "HighErrorRate", "critical", "shop", "production",
                AT.plusSeconds(300), resolved, "p-1", Incident.Link.LIVE);
    }

    @Test
    void theSameFactHasTheSameIdWhenAndHoweverOftenItIsSeen() {
        DeliveryEvent gate = DeliveryEvent.gateDecided("shop", 42, "p-1", decision(GateOutcome.NEEDS_APPROVAL), "bob", AT);
        assertThat(DeliveryEvent.gateDecided("shop", 42, "p-1", decision(GateOutcome.NEEDS_APPROVAL), "bob", AT.plusSeconds(90)).id())
                .isEqualTo(gate.id()).hasSize(32).matches("[0-9a-f]{32}");
        DeliveryEvent approved = DeliveryEvent.approval("shop", 42, "p-1", "production", "alice", true, "ok", false, List.of("1 more"), AT);
        assertThat(DeliveryEvent.approval("shop", 42, "p-1", "production", "alice", true, "ok again", true, List.of(), AT.plusSeconds(5)).id())
                .isEqualTo(approved.id());
        assertThat(DeliveryEvent.incidentOpened(incident(null)).id()).as("the same alert twice")
                .isEqualTo(DeliveryEvent.incident(incident(null)).id());
        assertThat(DeliveryEvent.incidentResolved(incident(AT.plusSeconds(900))).id())
                .isEqualTo(DeliveryEvent.incident(incident(AT.plusSeconds(960))).id());
        Review review = new Review("p-1", "https://wiki.example.com/pir/1", "erin", AT, "a missing index");
        assertThat(DeliveryEvent.reviewAdded(review, "shop", "production").id())
                .isEqualTo(DeliveryEvent.reviewAdded(new Review("p-1", "https://wiki.example.com/pir/1", "erin", AT.plusSeconds(60), "a missing index"),
                        "shop", "production").id());
    }

    @Test
    void distinctFactsHaveDistinctIds() {
        DeliveryEvent.Deployment d = new DeliveryEvent.Deployment("a".repeat(40), "SUCCEEDED", AT, AT.plusSeconds(3), null, null, 68, "HIGH");
        List<DeliveryEvent> all = List.of(
                DeliveryEvent.gateDecided("shop", 42, "p-1", decision(GateOutcome.NEEDS_APPROVAL), null, AT),
                DeliveryEvent.gateDecided("shop", 42, "p-1", decision(GateOutcome.ALLOW), null, AT),
                DeliveryEvent.gateDecided("shop", 42, "p-2", decision(GateOutcome.ALLOW), null, AT),
                DeliveryEvent.gateDecided("shop", 43, "p-1", decision(GateOutcome.ALLOW), null, AT),
                DeliveryEvent.gateDecided("cart", 42, "p-1", decision(GateOutcome.ALLOW), null, AT),
                DeliveryEvent.approval("shop", 42, "p-1", "production", "alice", true, null, false, List.of(), AT),
                DeliveryEvent.approval("shop", 42, "p-1", "production", "bob", true, null, true, List.of(), AT),
                DeliveryEvent.approval("shop", 42, "p-1", "production", "bob", false, null, true, List.of(), AT),
                DeliveryEvent.promotionEnded("shop", 42, "p-1", "production", "a", "EXPIRED", null, null, AT),
                DeliveryEvent.deploymentFinished("shop", 42, "p-1", "production", d, null),
                DeliveryEvent.deploymentFinished("shop", 42, "p-2", "production", d, null),
                DeliveryEvent.verificationFailed("shop", 42, "p-1", "production", "smoke", "1 of 1 failed", AT),
                DeliveryEvent.incidentOpened(incident(null)),
                DeliveryEvent.incidentResolved(incident(AT.plusSeconds(900))),
                DeliveryEvent.reviewAdded(new Review("p-1", "https://wiki.example.com/pir/1", "erin", AT, null), "shop", "production"),
                DeliveryEvent.reviewAdded(new Review("p-1", "https://wiki.example.com/pir/2", "erin", AT, null), "shop", "production"),
                DeliveryEvent.promotionWaiting(new PromotionNotice("shop", 42, "p-1", decision(GateOutcome.NEEDS_APPROVAL), List.of(), List.of(),
                        "https://x/", AT)));
        Set<String> ids = new HashSet<>();
        all.forEach(e -> ids.add(e.id()));
        assertThat(ids).hasSize(all.size());
        assertThat(all).extracting(DeliveryEvent::type).containsAll(DeliveryEvent.TYPES);
    }

    @Test
    void theWaitingPromotionKeepsTheNoticesIdAndFields() {
        PromotionNotice n = new PromotionNotice("shop", 42, "p-1", decision(GateOutcome.NEEDS_APPROVAL),
                List.of(new PromotionNotice.Factor("size.lines", 13, "128 lines added")), List.of("1 from security"), "https://x/", AT);
        DeliveryEvent e = DeliveryEvent.promotionWaiting(n);
        assertThat(e.id()).isEqualTo(n.eventId()).isEqualTo(DeliveryEvent.id("promotion.waiting", "shop", "42", "p-1"));
        Map<String, Object> m = e.toMap();
        n.event().forEach((k, v) -> assertThat(m).containsEntry(k, v));
        assertThat(e.summary()).isEqualTo("waits for approval: 1 from security");
    }

    @Test
    void outsideTextIsBounded() {
        String longText = "x".repeat(5000);
        DeliveryEvent a = DeliveryEvent.approval("shop", 1, "p", "production", "alice", false, longText, true, List.of(longText), AT);
        assertThat(a.summary()).hasSize(DeliveryEvent.LONGEST_TEXT + 3).endsWith("...");
        assertThat((String) a.fields().get("comment")).hasSize(DeliveryEvent.LONGEST_TEXT + 3);
        assertThat((List<?>) a.fields().get("missing")).singleElement().asString().hasSize(DeliveryEvent.LONGEST_TEXT + 3);
        Incident i = new Incident("id", "api", "t".repeat(1000), null, "shop", "production", AT, null, null, null);
        assertThat((String) DeliveryEvent.incidentOpened(i).fields().get("title")).hasSize(DeliveryEvent.LONGEST_TEXT + 3);
        List<RuleResult> many = new java.util.ArrayList<>();
        for (int k = 0; k < 50; k++) {
            many.add(new RuleResult("r" + k, false, GateOutcome.BLOCK, longText));
        }
        DeliveryEvent gate = DeliveryEvent.gateDecided("shop", 1, "p", new GateDecision("production", GateOutcome.BLOCK, "a", 90, Level.CRITICAL,
                many), null, AT);
        assertThat((List<?>) gate.fields().get("failedRules")).hasSize(DeliveryEvent.MOST_RULES);
        assertThat(gate.toJson().length).isLessThan(20_000);
    }

    @Test
    void theJsonHasTheCommonFieldsFirstThenTheTypes() throws Exception {
        DeliveryEvent.Deployment d = new DeliveryEvent.Deployment("a".repeat(40), "ROLLED_BACK", AT, AT.plusSeconds(42), "FAILED",
                "rollback 'x' succeeded", 68, "HIGH");
        DeliveryEvent e = DeliveryEvent.deploymentFinished("shop", 42, "p-1", "production", d, "bob");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = new ObjectMapper().readValue(e.toJson(), Map.class);
        assertThat(json.keySet()).startsWith("id", "type", "at", "pipeline", "build", "promotion", "environment", "actor", "summary");
        assertThat(json).containsEntry("type", "deployment.finished").containsEntry("at", "2026-12-01T10:00:42Z").containsEntry("build", 42)
                .containsEntry("promotion", "p-1").containsEntry("outcome", "ROLLED_BACK").containsEntry("durationSeconds", 42)
                .containsEntry("verification", "FAILED").containsEntry("startedAt", "2026-12-01T10:00:00Z").containsEntry("actor", "bob");
        assertThat(e.summary()).isEqualTo("ROLLED_BACK after 42 s, verification FAILED: rollback 'x' succeeded");

        DeliveryEvent opened = DeliveryEvent.incidentOpened(incident(null));
        assertThat(opened.toMap()).containsEntry("type", "incident.opened").containsEntry("build", null).containsEntry("promotion", "p-1")
                .containsEntry("incident", "fp-1@2026-12-01T10:05:00Z").containsEntry("severity", "critical").containsEntry("link", "LIVE")
                .containsEntry("at", "2026-12-01T10:05:00Z").containsEntry("resolvedAt", null);
        assertThat(DeliveryEvent.incidentOpened(incident(AT.plusSeconds(900))).toMap()).as("the same opening once it is resolved")
                .isEqualTo(opened.toMap());
        assertThat(DeliveryEvent.incidentResolved(incident(AT.plusSeconds(900))).toMap()).containsEntry("restoreSeconds", 600L)
                .containsEntry("resolvedAt", "2026-12-01T10:15:00Z").containsEntry("at", "2026-12-01T10:15:00Z");
        assertThat(DeliveryEvent.incidentResolved(incident(AT.plusSeconds(900))).summary())
                .isEqualTo("resolved incident fp-1@2026-12-01T10:05:00Z (critical): HighErrorRate, restored after 600 s");
        assertThat(DeliveryEvent.reported(new io.riskgate.records.IncidentStore.Result(io.riskgate.records.IncidentStore.Change.ADDED,
                incident(AT.plusSeconds(900))))).extracting(DeliveryEvent::type).as("recorded resolved at once: it opened too")
                .containsExactly("incident.opened", "incident.resolved");
        assertThat(DeliveryEvent.reported(new io.riskgate.records.IncidentStore.Result(io.riskgate.records.IncidentStore.Change.UPDATED,
                incident(AT.plusSeconds(900))))).extracting(DeliveryEvent::type).containsExactly("incident.resolved");
        assertThat(DeliveryEvent.reported(new io.riskgate.records.IncidentStore.Result(io.riskgate.records.IncidentStore.Change.UNCHANGED,
                incident(null)))).extracting(DeliveryEvent::id).containsExactly(opened.id());
        assertThat(opened.ofBuild(42).build()).isEqualTo(42);
        assertThat(opened.ofBuild(42).id()).isEqualTo(opened.id());

        DeliveryEvent gate = DeliveryEvent.gateDecided("shop", 42, "p-1", decision(GateOutcome.NEEDS_APPROVAL), null, AT);
        assertThat(gate.summary()).isEqualTo("NEEDS_APPROVAL, risk 68 HIGH, 1 of 2 rules failed");
        assertThat(gate.toMap()).containsEntry("outcome", "NEEDS_APPROVAL").containsEntry("rules", 2)
                .containsEntry("failedRules", List.of(Map.of("id", "risk.approval", "effect", "NEEDS_APPROVAL",
                        "reason", "risk 68 (HIGH) is at or above 50: a release manager must approve")));
    }
}
