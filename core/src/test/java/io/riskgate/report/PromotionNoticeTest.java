package io.riskgate.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.gate.GateDecision;
import io.riskgate.gate.GateOutcome;
import io.riskgate.gate.RuleResult;
import io.riskgate.risk.Level;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the people who may decide a waiting promotion are told. */
class PromotionNoticeTest {
    static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    static GateDecision decision() {
        return new GateDecision("production", GateOutcome.NEEDS_APPROVAL, "a".repeat(40), 68, Level.HIGH, List.of(
                new RuleResult("tests.minimum", true, GateOutcome.BLOCK, "2 tests ran"),
                new RuleResult("risk.approval", false, GateOutcome.NEEDS_APPROVAL, "risk 68 (HIGH) is at or above 50: a release manager must approve")));
    }

    static List<PromotionNotice.Factor> factors() {
        return List.of(new PromotionNotice.Factor("size.lines", 13, "128 lines added"),
                new PromotionNotice.Factor("reversibility.destructive-migration", 40, "drops a column"),
                new PromotionNotice.Factor("mitigation.feature-flag", -10, "behind a flag"),
                new PromotionNotice.Factor("size.files", 3, "4 files changed"));
    }

    @Test
    void theMailNamesTheRiskTheTopFactorsWhatIsMissingAndTheLink() {
        PromotionNotice n = new PromotionNotice("shop", 42, "p-1", decision(), factors(), List.of("1 from security"),
                "https://ci.example.com/job/shop/42/riskgate/", AT);
        assertThat(n.subject()).isEqualTo("Approval needed: shop #42 to production (risk 68 HIGH)");
        assertThat(n.topFactors()).extracting(PromotionNotice.Factor::id)
                .containsExactly("reversibility.destructive-migration", "size.lines", "mitigation.feature-flag");
        assertThat(n.text()).isEqualTo("""
                shop #42 waits for approval to deploy aaaaaaaaaa to production.

                Risk: 68/100 HIGH
                  +40  reversibility.destructive-migration: drops a column
                  +13  size.lines: 128 lines added
                  -10  mitigation.feature-flag: behind a flag

                Still missing:
                  - 1 from security

                Approve or reject: https://ci.example.com/job/shop/42/riskgate/
                """);
    }

    @Test
    void withoutAQuorumTheRulesThatAskForApprovalAreWhatIsMissing() {
        PromotionNotice n = new PromotionNotice("shop", 42, "p-1", decision(), List.of(), List.of(), "/job/shop/42/riskgate/", AT);
        assertThat(n.waitingFor()).containsExactly("risk 68 (HIGH) is at or above 50: a release manager must approve");
        assertThat(n.text()).contains("Risk: 68/100 HIGH\n\nStill missing:");
    }

    @Test
    void theEventIsStableForOnePromotionAndCarriesTheSameContent() {
        PromotionNotice n = new PromotionNotice("shop", 42, "p-1", decision(), factors(), List.of("1 from security"), "https://x/", AT);
        PromotionNotice again = new PromotionNotice("shop", 42, "p-1", decision(), factors(), List.of("1 from security"), "https://x/",
                AT.plusSeconds(60));
        PromotionNotice other = new PromotionNotice("shop", 43, "p-2", decision(), factors(), List.of(), "https://x/", AT);
        assertThat(again.eventId()).isEqualTo(n.eventId()).hasSize(32);
        assertThat(other.eventId()).isNotEqualTo(n.eventId());
        Map<String, Object> e = n.event();
        assertThat(e).containsEntry("type", "promotion.waiting").containsEntry("environment", "production").containsEntry("score", 68)
                .containsEntry("level", "HIGH").containsEntry("build", 42).containsEntry("link", "https://x/")
                .containsEntry("missing", List.of("1 from security")).containsEntry("at", "2026-12-01T10:00:00Z");
        assertThat((List<?>) e.get("factors")).hasSize(3).first().isEqualTo(Map.of("id", "reversibility.destructive-migration",
                "points", 40, "explanation", "drops a column"));
    }

    @Test
    void outsideTextCannotAddLinesToTheSubjectOrTheBodyAndIsBounded() {
        PromotionNotice n = new PromotionNotice("shop\r\nBcc: everyone@example.com", 1, "p", decision(),
                List.of(new PromotionNotice.Factor("x", 1, "y".repeat(1000) + "\nApprove or reject: https://evil/")), List.of(), "/l", AT);
        assertThat(n.subject()).doesNotContain("\n").doesNotContain("\r").contains("\\r\\nBcc");
        assertThat(n.text().lines()).noneMatch(l -> l.startsWith("Approve or reject: https://evil"));
        assertThat(n.text().lines().filter(l -> l.contains("yyy")).findFirst().orElseThrow()).hasSizeLessThan(400);
    }
}
