package io.riskgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.evidence.TestEvidence;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.PromotionPolicy;
import io.riskgate.risk.Level;
import io.riskgate.rollback.RollbackPlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The requireReviewedFailures rule, table by table: the age of the failures, the action, the risk and the approvals. */
class ReviewedFailuresRuleTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final String HEAD = "a".repeat(40);

    static PromotionPolicy policy(String rule) {
        return PolicyLoader.parse(String.join("\n",
                "environments:",
                "  - name: staging",
                "    minTests: 0",
                "  - name: production",
                "    minTests: 0",
                "    requirePreviousEnvironment: false",
                "    rollback: {required: false}",
                "    autoApproveBelow: 50",
                rule.isEmpty() ? "" : "    requireReviewedFailures: " + rule,
                ""), "test").promotion();
    }

    /** Failures of production that wait for a review, each {@code days} old; "" for none. */
    static DeploymentHistory history(String ages) {
        List<PendingReview> pending = ages.isBlank() ? List.of() : java.util.Arrays.stream(ages.split(" "))
                .map(d -> new PendingReview("rec-" + d, "b" + d + "0000000000", NOW.minus(Duration.ofDays(Long.parseLong(d))), "FAILED"))
                .sorted(java.util.Comparator.comparing(PendingReview::finishedAt)).toList();
        return DeploymentHistory.of(Map.of()).withAwaitingReview(env -> env.equals("production") ? pending : List.of());
    }

    @ParameterizedTest(name = "{0} | failures {1} days old | risk {2} | approved {3} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                     | 30 9   | 10 | false | ALLOW
            '{olderThanDays: 7}'                   | ''     | 10 | false | ALLOW
            '{olderThanDays: 7}'                   | 3 6    | 10 | false | ALLOW
            '{olderThanDays: 7}'                   | 3 8    | 10 | false | NEEDS_APPROVAL
            '{olderThanDays: 7, action: approve}'  | 8      | 10 | true  | ALLOW
            '{olderThanDays: 7, action: approve}'  | 8      | 60 | false | NEEDS_APPROVAL
            '{olderThanDays: 7, action: approve}'  | 8      | 60 | true  | ALLOW
            '{olderThanDays: 7, action: block}'    | 8      | 10 | false | BLOCK
            '{olderThanDays: 7, action: block}'    | 8      | 10 | true  | BLOCK
            '{olderThanDays: 7, action: block}'    | 5      | 10 | false | ALLOW
            '{olderThanDays: 0, action: block}'    | 1      | 10 | false | BLOCK
            """)
    void promotionsWaitWhileFailuresWaitTooLongForAReview(String rule, String ages, int score, boolean approved, GateOutcome expected) {
        ApprovalInput approvals = approved
                ? new ApprovalInput(List.of(new Approval(new Approver("rm", null, List.of()), true, NOW, "reviewed in the standup")), null,
                        ApprovalCheck.caseInsensitive())
                : ApprovalInput.none();
        GateDecision d = GateEvaluator.evaluate(policy(rule), "production", new PromotionCandidate(HEAD, score, Level.LOW, List.of("dev@example.com")),
                new TestEvidence(1, 0, 0, 0, List.of(), List.of()), (RollbackPlan) null, history(ages), Clock.fixed(NOW, ZoneOffset.UTC), approvals);
        assertThat(d.outcome()).as(d.rules().toString()).isEqualTo(expected);
        assertThat(d.rules().stream().anyMatch(r -> r.id().equals(GateEvaluator.REVIEWED_FAILURES))).as("listed where configured")
                .isEqualTo(!rule.isEmpty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            '{olderThanDays: 7}'                | 12 30 9 3 | 3 failures in production have waited more than 7 days for a post-incident review: b300000000 (FAILED, 2026-10-26, 30 days ago, deployment rec-30); b120000000 (FAILED, 2026-11-13, 12 days ago, deployment rec-12); b900000000
            '{olderThanDays: 1, action: block}' | 2         | 1 failure in production has waited more than 1 day for a post-incident review: b200000000 (FAILED, 2026-11-23, 2 days ago, deployment rec-2): attach the reviews
            '{olderThanDays: 7}'                | 3         | no failure in production has waited more than 7 days for a post-incident review (1 newer one waiting)
            """)
    void theReasonNamesTheFailures(String rule, String ages, String reason) {
        GateDecision d = GateEvaluator.evaluate(policy(rule), "production", new PromotionCandidate(HEAD, 10, Level.LOW, List.of()),
                new TestEvidence(1, 0, 0, 0, List.of(), List.of()), null, history(ages), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(d.rules()).filteredOn(r -> r.id().equals(GateEvaluator.REVIEWED_FAILURES)).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains(reason));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            '{olderThanDays: 7}'                | '{olderThanDays: 3, action: block}' | 3 | BLOCK
            '{olderThanDays: 3, action: block}' | '{olderThanDays: 9}'                | 3 | BLOCK
            '{olderThanDays: 7}'                | ''                                  | 7 | APPROVE
            """)
    void aRepositoryPolicyTightensTheRuleNeverLoosensIt(String global, String repository, int days, String action) {
        var g = policy(global).environment("production");
        var r = repository.isEmpty() ? g.withReviewRule(null) : policy(repository).environment("production");
        var tightened = g.tightenedBy(r).requireReviewedFailures();
        assertThat(tightened.olderThanDays()).isEqualTo(days);
        assertThat(tightened.action().name()).isEqualTo(action);
    }

    @org.junit.jupiter.api.Test
    void aRuleWithAnUnknownActionOrKeyIsRefusedNamingTheField() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> policy("{olderThanDays: 7, action: warn}"))
                .hasMessageContaining("environments[1].requireReviewedFailures.action").hasMessageContaining("approve");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> policy("{olderThan: 7}"))
                .hasMessageContaining("requireReviewedFailures");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> policy("{olderThanDays: -1}")).hasMessageContaining("olderThanDays");
    }
}
