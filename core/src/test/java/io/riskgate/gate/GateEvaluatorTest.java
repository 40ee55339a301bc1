package io.riskgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskgate.RiskGateException;
import io.riskgate.evidence.TestEvidence;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.PromotionPolicy;
import io.riskgate.risk.Level;
import io.riskgate.rollback.RollbackPlan;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GateEvaluatorTest {
    /** Wednesday 2026-11-25 12:00 UTC. */
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String HEAD = "a".repeat(40);

    static final PromotionPolicy POLICY = PolicyLoader.parse(String.join("\n",
            "environments:",
            "  - name: dev",
            "    minTests: 0",
            "  - name: staging",
            "    minTests: 10",
            "    allowedFailures: 1",
            "  - name: production",
            "    minTests: 100",
            "    rollback: {required: true, rehearsedWithinDays: 30}",
            "    autoApproveBelow: 25",
            "    blockAbove: 80",
            "    freeze:",
            "      - name: weekend",
            "        weekly: {from: 'FRI 18:00', to: 'MON 08:00'}",
            "      - name: year-end",
            "        from: 2026-12-20",
            "        to: 2027-01-04",
            "    freezeExemptLowRisk: true",
            ""), "test").promotion();

    static TestEvidence tests(int total, int failed) {
        return new TestEvidence(total, failed, 0, 0, List.of(), failed > 0 ? List.of("ShopTest.checkout: expected 2 but was 3") : List.of());
    }

    static RollbackPlan rollback(Integer daysAgo) {
        return new RollbackPlan("production", "./deploy.sh --rollback", "https://runbooks.example/shop",
                daysAgo == null ? null : NOW.minus(daysAgo, ChronoUnit.DAYS));
    }

    static final DeploymentHistory STAGING_HAS_HEAD = DeploymentHistory.of(Map.of("staging", HEAD));

    static GateDecision production(int score, Level level, TestEvidence tests, RollbackPlan rollback, DeploymentHistory history, Clock clock) {
        return GateEvaluator.evaluate(POLICY, "production", new PromotionCandidate(HEAD, score, level, List.of("dev@example.com")),
                tests, rollback, history, clock);
    }

    static Map<String, Boolean> passed(GateDecision d) {
        return d.rules().stream().collect(Collectors.toMap(RuleResult::id, RuleResult::passed));
    }

    @Test
    void aCleanLowRiskPromotionIsAllowedAndEveryRuleIsReported() {
        GateDecision d = production(10, Level.LOW, tests(500, 0), rollback(3), STAGING_HAS_HEAD, CLOCK);
        assertThat(d.outcome()).isEqualTo(GateOutcome.ALLOW);
        assertThat(d.rules()).hasSize(9).allSatisfy(r -> {
            assertThat(r.passed()).as(r.reason()).isTrue();
            assertThat(r.reason()).isNotBlank();
        });
        assertThat(d.headline()).isEqualTo("ALLOW promotion to production: all 9 rules passed");
    }

    /** Each rule on its own (a score above the block limit also needs approval): which input breaks it, what it demands, why. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "score above blockAbove     | 81 | CRITICAL | 500 | 0 | 3    | true  | 2026-11-25T12:00:00Z | BLOCK          | risk.block-above risk.approval | is above 80",
            "too few tests              | 10 | LOW      | 99  | 0 | 3    | true  | 2026-11-25T12:00:00Z | BLOCK          | tests.minimum        | only 99 tests ran; production requires at least 100",
            "a failed test              | 10 | LOW      | 500 | 1 | 3    | true  | 2026-11-25T12:00:00Z | BLOCK          | tests.failures       | 1 test failed (0 allowed): ShopTest.checkout",
            "rollback never exercised   | 10 | LOW      | 500 | 0 |      | true  | 2026-11-25T12:00:00Z | BLOCK          | rollback.rehearsed   | has never been exercised",
            "rollback exercised too long ago | 10 | LOW | 500 | 0 | 31   | true  | 2026-11-25T12:00:00Z | BLOCK          | rollback.rehearsed   | was last exercised 31 days ago",
            "staging lacks the commit   | 10 | LOW      | 500 | 0 | 3    | false | 2026-11-25T12:00:00Z | BLOCK          | previous-environment | staging has not taken aaaaaaaaaa",
            "weekend freeze             | 24 | MEDIUM   | 500 | 0 | 3    | true  | 2026-11-28T12:00:00Z | BLOCK          | freeze               | production is frozen: weekend (FRI 18:00 to MON 08:00 Z)",
            "year-end freeze            | 24 | MEDIUM   | 500 | 0 | 3    | true  | 2026-12-23T10:00:00Z | BLOCK          | freeze               | year-end",
            "medium risk needs approval | 30 | MEDIUM   | 500 | 0 | 3    | true  | 2026-11-25T12:00:00Z | NEEDS_APPROVAL | risk.approval        | risk 30 (MEDIUM) is at or above 25: a release manager must approve",
    })
    void eachRuleOnItsOwn(String name, int score, Level level, int total, int failed, Integer rehearsedDaysAgo, boolean stagingHasHead,
                          String now, GateOutcome expected, String failingRule, String reason) {
        Clock clock = Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
        RollbackPlan plan = new RollbackPlan("production", "./deploy.sh --rollback", null,
                rehearsedDaysAgo == null ? null : clock.instant().minus(rehearsedDaysAgo, ChronoUnit.DAYS));
        GateDecision d = production(score, level, tests(total, failed), plan,
                stagingHasHead ? STAGING_HAS_HEAD : DeploymentHistory.none(), clock);
        assertThat(d.outcome()).isEqualTo(expected);
        List<String> failing = List.of(failingRule.split(" "));
        assertThat(d.failed()).as(name).extracting(RuleResult::id).containsExactlyElementsOf(failing);
        assertThat(d.failed().get(0).reason()).contains(reason);
    }

    @Test
    void lowRiskIsExemptFromTheFreezeWhenThePolicySaysSo() {
        Clock saturday = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
        GateDecision d = production(10, Level.LOW, tests(500, 0), rollback(3), STAGING_HAS_HEAD, saturday);
        assertThat(d.outcome()).isEqualTo(GateOutcome.ALLOW);
        assertThat(d.rules()).filteredOn(r -> r.id().equals("freeze")).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains("LOW risk changes are exempt"));
    }

    @Test
    void blockWinsOverApprovalAndEveryFailureIsListed() {
        GateDecision d = production(90, Level.CRITICAL, null, null, DeploymentHistory.none(), CLOCK);
        assertThat(d.outcome()).isEqualTo(GateOutcome.BLOCK);
        assertThat(passed(d)).containsEntry("risk.block-above", false).containsEntry("tests.minimum", false)
                .containsEntry("rollback.declared", false).containsEntry("rollback.rehearsed", false)
                .containsEntry("previous-environment", false).containsEntry("risk.approval", false)
                .containsEntry("tests.failures", true).containsEntry("freeze", true);
        assertThat(d.rules()).filteredOn(r -> r.id().equals("tests.minimum")).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains("no test results found"));
        assertThat(d.rules()).filteredOn(r -> r.id().equals("rollback.declared")).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains("declareRollback(environment: 'production'"));
        assertThat(d.headline()).isEqualTo("BLOCK promotion to production: 6 of 9 rules failed");
    }

    @Test
    void theFirstEnvironmentHasNoPreviousAndNeedsNoRollbackByDefault() {
        GateDecision d = GateEvaluator.evaluate(PromotionPolicy.defaults(), "dev", new PromotionCandidate(HEAD, 95, Level.CRITICAL, List.of()),
                tests(1, 0), null, DeploymentHistory.none(), CLOCK);
        assertThat(d.outcome()).isEqualTo(GateOutcome.ALLOW);
        GateDecision staging = GateEvaluator.evaluate(PromotionPolicy.defaults(), "staging", new PromotionCandidate(HEAD, 10, Level.LOW, List.of()),
                tests(1, 0), null, DeploymentHistory.of(Map.of("DEV", HEAD)), CLOCK);
        assertThat(passed(staging)).containsEntry("rollback.declared", false).containsEntry("previous-environment", true);
    }

    @Test
    void stagingToleratesTheFailuresItAllows() {
        GateDecision d = GateEvaluator.evaluate(POLICY, "staging", new PromotionCandidate(HEAD, 10, Level.LOW, List.of()),
                tests(10, 1), rollback(null), DeploymentHistory.of(Map.of("dev", HEAD)), CLOCK);
        assertThat(d.outcome()).isEqualTo(GateOutcome.ALLOW);
        assertThat(d.rules()).filteredOn(r -> r.id().equals("tests.failures")).singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo("1 failed (1 allowed)"));
    }

    @Test
    void anUnknownEnvironmentNamesTheKnownOnes() {
        assertThatThrownBy(() -> GateEvaluator.evaluate(POLICY, "prod", new PromotionCandidate(HEAD, 1, Level.LOW, List.of()),
                null, null, DeploymentHistory.none(), CLOCK))
                .isInstanceOf(RiskGateException.class)
                .hasMessageContaining("unknown environment 'prod': known environments are dev, staging, production");
    }
}
