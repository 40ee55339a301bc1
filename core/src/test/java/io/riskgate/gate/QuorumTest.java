package io.riskgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskgate.policy.EnvironmentRules;
import io.riskgate.policy.PolicyException;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.PromotionPolicy;
import io.riskgate.risk.Level;
import io.riskgate.rollback.RollbackPlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Approval quorums, soak time and their combinations with the other rules, table by table. */
class QuorumTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final String HEAD = "b".repeat(40);

    static final PromotionPolicy POLICY = PolicyLoader.parse(String.join("\n",
            "environments:",
            "  - name: staging",
            "    minTests: 0",
            "  - name: production",
            "    minTests: 0",
            "    rollback: {required: false}",
            "    autoApproveBelow: 25",
            "    minSoak: 1h",
            "    approvers:",
            "      required: 2",
            "      groups: [release-managers]",
            "      rules:",
            "        - {groups: [release-managers], required: 1}",
            "        - {name: security review, groups: [security], required: 1}",
            "  - name: dr",
            "    minTests: 0",
            "    rollback: {required: false}",
            "    requirePreviousEnvironment: false",
            "    minSoak: 30m",
            "    waitForSoak: true",
            ""), "policy.yml").promotion();

    /** "alice:release-managers" or "carol@example.com:security,release-managers"; "!bob:security" rejects. */
    static Approval decision(String spec) {
        boolean reject = spec.startsWith("!");
        String[] parts = (reject ? spec.substring(1) : spec).split(":", 2);
        List<String> groups = parts.length > 1 && !parts[1].isEmpty() ? Arrays.asList(parts[1].split(",")) : List.of();
        String id = parts[0];
        return new Approval(new Approver(id, id.contains("@") ? id : id + "@example.com", groups), !reject, NOW, reject ? "not now" : null);
    }

    static GateDecision gate(String environment, int score, String decisions, String startedBy, Instant stagingAt) {
        List<Approval> list = new ArrayList<>();
        if (!decisions.isBlank()) {
            for (String d : decisions.split(" ")) {
                list.add(decision(d));
            }
        }
        PromotionCandidate change = new PromotionCandidate(HEAD, score, score >= 50 ? Level.HIGH : Level.MEDIUM, List.of("dave@example.com"));
        DeploymentHistory history = stagingAt == null ? DeploymentHistory.of(Map.of("staging", HEAD))
                : DeploymentHistory.of(Map.of("staging", HEAD, "production", HEAD), Map.of("staging", stagingAt, "production", stagingAt));
        return GateEvaluator.evaluate(POLICY, environment, change, null, new RollbackPlan(environment, "./undo", null, null), history,
                Clock.fixed(NOW, ZoneOffset.UTC), new ApprovalInput(list, startedBy, ApprovalCheck.caseInsensitive()));
    }

    static RuleResult rule(GateDecision d, String id) {
        return d.rules().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // case                                   | decisions                                           | starter | outcome        | reason contains
            "nobody yet                               |                                                     |         | NEEDS_APPROVAL | 2 distinct approvals, 1 from release-managers, 1 from security review",
            "one release manager                      | alice:release-managers                              |         | NEEDS_APPROVAL | still missing: 1 more approval (2 required, 1 so far), 1 from security review (1 required, 0 so far)",
            "two release managers, no security        | alice:release-managers erin:release-managers        |         | NEEDS_APPROVAL | still missing: 1 from security review",
            "one from each group                      | alice:release-managers bob:security                 |         | ALLOW          | approved by alice (release-managers), bob (security review)",
            "one person in both groups is one person  | carol:release-managers,security                     |         | NEEDS_APPROVAL | 1 more approval (2 required, 1 so far)",
            "both-groups person and a release manager | carol:release-managers,security alice:release-managers |      | ALLOW          | approved by carol (release-managers, security review), alice (release-managers)",
            "the same person twice counts once        | alice:release-managers ALICE:release-managers       |         | NEEDS_APPROVAL | 1 more approval (2 required, 1 so far)",
            "the author never counts                  | dave:release-managers bob:security                  |         | NEEDS_APPROVAL | dave is an author of this change",
            "the starter never counts                 | alice:release-managers bob:security                 | bob     | NEEDS_APPROVAL | bob started this build",
            "someone outside the rules is refused     | zed:developers bob:security                         |         | NEEDS_APPROVAL | zed is not an approver of production",
            "one rejection ends the wait              | alice:release-managers !bob:security                |         | BLOCK          | bob rejected the promotion: not now",
            "a rejection after approving replaces it  | bob:security alice:release-managers !bob:security   |         | BLOCK          | bob rejected",
            "a rejection by an outsider is ignored    | alice:release-managers bob:security !zed:developers |         | ALLOW          | approved by alice",
    })
    void quorumsCountDistinctPermittedApproversPerRule(String name, String decisions, String starter, GateOutcome outcome, String reason) {
        GateDecision d = gate("production", 60, decisions == null ? "" : decisions, starter, NOW.minus(Duration.ofHours(2)));
        assertThat(d.outcome()).isEqualTo(outcome);
        assertThat(rule(d, GateEvaluator.APPROVAL).reason()).contains(reason);
        assertThat(d.quorum()).isNotNull();
        assertThat(d.quorum().met()).isEqualTo(outcome == GateOutcome.ALLOW);
    }

    @Test
    void belowTheApprovalThresholdNoQuorumIsAsked() {
        GateDecision d = gate("production", 10, "", null, NOW.minus(Duration.ofHours(2)));
        assertThat(d.outcome()).isEqualTo(GateOutcome.ALLOW);
        assertThat(d.quorum()).isNull();
    }

    @ParameterizedTest(name = "staging took it {0} minutes ago: {1}")
    @CsvSource({
            "120, true",
            "60, true",    // exactly the soak time: passes
            "59, false",
            "0, false",
    })
    void soakTimeCountsFromTheSuccessfulDeploymentToThePreviousEnvironment(int minutesAgo, boolean passes) {
        GateDecision d = gate("production", 10, "", null, NOW.minus(Duration.ofMinutes(minutesAgo)));
        RuleResult soak = rule(d, GateEvaluator.SOAK);
        assertThat(soak.passed()).isEqualTo(passes);
        if (!passes) {
            assertThat(soak.passesAt()).isEqualTo(NOW.minus(Duration.ofMinutes(minutesAgo)).plus(Duration.ofHours(1)));
            assertThat(soak.reason()).contains("has run in staging for").contains("of the 1h required: this rule passes at");
            assertThat(d.outcome()).isEqualTo(GateOutcome.BLOCK);
            assertThat(d.waitUntil()).as("production blocks: it does not wait for soak").isEmpty();
        }
    }

    @Test
    void withoutARecordedTimeTheSoakRuleBlocksAndSaysWhy() {
        GateDecision d = gate("production", 10, "", null, null);
        assertThat(rule(d, GateEvaluator.SOAK).passed()).isFalse();
        assertThat(rule(d, GateEvaluator.SOAK).reason()).contains("no successful deployment of it to staging is recorded");
        assertThat(d.waitUntil()).isEmpty();
    }

    @Test
    void waitForSoakMakesThePromotionWaitUntilTheRulePasses() {
        Instant productionAt = NOW.minus(Duration.ofMinutes(10));
        GateDecision d = gate("dr", 10, "", null, productionAt);
        assertThat(d.outcome()).isEqualTo(GateOutcome.BLOCK);
        assertThat(rule(d, GateEvaluator.SOAK).reason()).endsWith("the promotion waits until then");
        assertThat(d.waitUntil()).contains(productionAt.plus(Duration.ofMinutes(30)));
    }

    @Test
    void freezeIsCheckedAgainAtAnyTime() {
        EnvironmentRules frozen = PolicyLoader.parse(String.join("\n", "environments:", "  - name: prod", "    minTests: 0",
                "    freeze: [{name: release, from: 2026-11-25T12:30, to: 2026-11-26}]", ""), "p.yml").promotion().environment("prod");
        PromotionCandidate c = new PromotionCandidate(HEAD, 60, Level.HIGH, List.of());
        assertThat(GateEvaluator.freezeNow(frozen, c, NOW).passed()).isTrue();
        assertThat(GateEvaluator.freezeNow(frozen, c, NOW.plus(Duration.ofMinutes(30))).passed()).isFalse();
        assertThat(GateEvaluator.freezeNow(frozen, c, NOW.plus(Duration.ofMinutes(30))).reason()).contains("prod is frozen: release");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "approvalTimeout: 72h | PT72H",
            "approvalTimeout: 1h30m | PT1H30M",
            "approvalTimeout: 2d | PT48H",
            "approvalTimeout: PT45M | PT45M",
            "approvalTimeout: 90 | PT1M30S",
    })
    void durationsAreReadInTheCommonForms(String line, String expected) {
        EnvironmentRules r = PolicyLoader.parse("environments:\n  - name: prod\n    " + line + "\n", "p.yml").promotion().environment("prod");
        assertThat(r.approvalTimeout()).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "approvalTimeout: soon | environments[0].approvalTimeout: must be a duration like '30m'",
            "approvalTimeout: 0m | must be a duration",
            "approvalTimeout: 400d | at most 365 days",
            "minSoak: 1h | environments[0].minSoak: 'prod' is the first environment",
            "waitForSoak: true | environments[0].waitForSoak: waits for the soak time, so it needs minSoak",
            "approvers: {users: [alice], required: 2} | environments[0].approvers.required: asks for 2 approvals from 1 named user",
            "approvers: {rules: [{required: 1}]} | environments[0].approvers.rules[0]: a rule names the users or groups",
            "approvers: {rules: [{users: [a, b], required: 3}]} | rules[0].required: asks for 3 approvals from 2 named users",
            "approvers: {rules: []} | environments[0].approvers.rules: must be a non-empty list",
            "approvers: {required: 0} | environments[0].approvers.required: must be between 1 and 100",
            "approvers: {rules: [{groups: [x], needed: 1}]} | environments[0].approvers.rules[0].needed: unknown field",
    })
    void badApprovalAndSoakSettingsNameTheField(String line, String message) {
        assertThatThrownBy(() -> PolicyLoader.parse("environments:\n  - name: prod\n    " + line + "\n", "p.yml"))
                .isInstanceOf(PolicyException.class).hasMessageContaining(message);
    }

    @Test
    void aRepositoryPolicyTightensTheQuorumTimeoutAndSoak() {
        EnvironmentRules global = PolicyLoader.parse(String.join("\n", "environments:", "  - name: dev", "  - name: prod",
                "    approvalTimeout: 72h", "    minSoak: 1h", "    approvers: {required: 2}", ""), "global").promotion().environment("prod");
        EnvironmentRules repo = PolicyLoader.parse(String.join("\n", "environments:", "  - name: dev", "  - name: prod",
                "    approvalTimeout: 24h", "    minSoak: 30m", "    approvers: {rules: [{groups: [security]}]}", ""), "repo").promotion().environment("prod");
        EnvironmentRules merged = global.tightenedBy(repo);
        assertThat(merged.approvalTimeout()).isEqualTo(Duration.ofHours(24));
        assertThat(merged.minSoak()).isEqualTo(Duration.ofHours(1));
        assertThat(merged.quorum().required()).isEqualTo(2);
        assertThat(merged.quorum().rules()).singleElement().satisfies(r -> assertThat(r.groups()).containsExactly("security"));
    }
}
