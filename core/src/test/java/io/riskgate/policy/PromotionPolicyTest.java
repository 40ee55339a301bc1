package io.riskgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromotionPolicyTest {
    @Test
    void withoutEnvironmentsTheDefaultsAreDevStagingProduction() {
        RiskPolicy policy = PolicyLoader.parse("weights: {lines: 30}\n", "t");
        assertThat(policy.declaresEnvironments()).isFalse();
        PromotionPolicy p = policy.promotion();
        assertThat(p.names()).isEqualTo("dev, staging, production");
        EnvironmentRules dev = p.environment("dev");
        assertThat(dev.rollbackRequired()).isFalse();
        assertThat(dev.requirePreviousEnvironment()).isFalse();
        assertThat(dev.autoApproveBelow()).isEqualTo(101);
        assertThat(p.environment("staging").autoApproveBelow()).as("between first and last: CRITICAL waits").isEqualTo(75);
        EnvironmentRules prod = p.environment("Production");
        assertThat(prod.rollbackRequired()).isTrue();
        assertThat(prod.requirePreviousEnvironment()).isTrue();
        assertThat(prod.minTests()).isEqualTo(1);
        assertThat(prod.allowedFailures()).isZero();
        assertThat(prod.autoApproveBelow()).isEqualTo(50);
        assertThat(prod.authorsMayApprove()).isFalse();
        assertThat(prod.starterMayApprove()).isFalse();
        assertThat(p.previous("production")).map(EnvironmentRules::name).hasValue("staging");
        assertThat(p.previous("dev")).isEmpty();
    }

    @Test
    void readsEveryRule() {
        RiskPolicy policy = PolicyLoader.parse(String.join("\n",
                "environments:",
                "  - name: qa",
                "  - name: live",
                "    minTests: 200",
                "    allowedFailures: 2",
                "    rollback: {required: true, rehearsedWithinDays: 14, onFailure: false}",
                "    requirePreviousEnvironment: false",
                "    freeze:",
                "      - {name: weekend, weekly: {from: 'Friday 17:30', to: 'mon 8:00'}, zone: Europe/Berlin}",
                "      - {name: launch, from: '2026-12-01T09:00', to: '2026-12-01T18:00'}",
                "    freezeExemptLowRisk: true",
                "    autoApproveBelow: 30",
                "    blockAbove: 90",
                "    approvers: {users: [alice], groups: [release-managers], authorsMayApprove: true, starterMayApprove: true}",
                ""), "t");
        assertThat(policy.declaresEnvironments()).isTrue();
        EnvironmentRules live = policy.promotion().environment("live");
        assertThat(live.minTests()).isEqualTo(200);
        assertThat(live.allowedFailures()).isEqualTo(2);
        assertThat(live.rollbackRequired()).isTrue();
        assertThat(live.rollbackRehearsedWithinDays()).isEqualTo(14);
        assertThat(live.rollbackOnFailure()).isFalse();
        assertThat(live.requirePreviousEnvironment()).isFalse();
        assertThat(live.freezeExemptLowRisk()).isTrue();
        assertThat(live.autoApproveBelow()).isEqualTo(30);
        assertThat(live.blockAbove()).isEqualTo(90);
        assertThat(live.approvers()).containsExactly("alice");
        assertThat(live.approverGroups()).containsExactly("release-managers");
        assertThat(live.authorsMayApprove()).isTrue();
        assertThat(live.freezes()).hasSize(2);
        FreezeWindow.Weekly weekend = (FreezeWindow.Weekly) live.freezes().get(0);
        assertThat(weekend.fromDay()).isEqualTo(DayOfWeek.FRIDAY);
        assertThat(weekend.toDay()).isEqualTo(DayOfWeek.MONDAY);
        // Friday 2026-11-27 17:30 Berlin is 16:30 UTC
        assertThat(weekend.covers(Instant.parse("2026-11-27T16:29:00Z"))).isFalse();
        assertThat(weekend.covers(Instant.parse("2026-11-27T16:30:00Z"))).isTrue();
        assertThat(weekend.covers(Instant.parse("2026-11-29T23:00:00Z"))).isTrue();
        assertThat(weekend.covers(Instant.parse("2026-11-30T07:00:00Z"))).isFalse();
        FreezeWindow launch = live.freezes().get(1);
        assertThat(launch.covers(Instant.parse("2026-12-01T09:00:00Z"))).isTrue();
        assertThat(launch.covers(Instant.parse("2026-12-01T18:00:00Z"))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "environments: []|environments: must be a non-empty list",
            "environments: [{minTests: 1}]|environments[0].name: every environment needs a name",
            "environments: [{name: a}, {name: A}]|environments[1].name: environment 'A' is defined twice",
            "environments: [{name: 'a b'}]|environments[0].name: use letters, digits",
            "environments: [{name: a, minTests: -1}]|environments[0].minTests: must be between 0 and",
            "environments: [{name: a, minTests: 1.5}]|environments[0].minTests: must be a whole number (got 1.5)",
            "environments: [{name: a, requirePreviousEnvironment: true}]|'a' is the first environment",
            "environments: [{name: a, rollback: {required: yes please}}]|environments[0].rollback.required: must be true or false",
            "environments: [{name: a, freeze: [{weekly: {from: 'FUN 18:00', to: 'MON 08:00'}}]}]|environments[0].freeze[0].weekly.from: must be a day and a time like 'FRI 18:00' (got 'FUN 18:00')",
            "environments: [{name: a, freeze: [{from: '2026-12-02', to: '2026-12-01'}]}]|environments[0].freeze[0].to: must be after from",
            "environments: [{name: a, freeze: [{from: '2026-12-02', to: '2026-12-03', zone: Mars/Olympus}]}]|unknown time zone 'Mars/Olympus'",
            "environments: [{name: a, approvers: {user: [x]}}]|environments[0].approvers.user: unknown field",
            "environments: [{name: a, autoApprove: 3}]|environments[0].autoApprove: unknown field",
    })
    void invalidEnvironmentsFailWithFieldAndReason(String yaml, String message) {
        assertThatThrownBy(() -> PolicyLoader.parse(yaml, ".riskgate.yml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("invalid policy .riskgate.yml: ")
                .hasMessageContaining(message);
    }

    @Test
    void aRepositoryPolicyTightensButNeverLoosens() {
        PromotionPolicy global = PolicyLoader.parse(String.join("\n",
                "environments:",
                "  - name: staging",
                "  - name: production",
                "    minTests: 100",
                "    allowedFailures: 1",
                "    autoApproveBelow: 40",
                "    blockAbove: 90",
                "    rollback: {required: true, rehearsedWithinDays: 30}",
                "    freeze: [{name: weekend, weekly: {from: 'FRI 18:00', to: 'MON 08:00'}}]",
                "    approvers: {users: [alice, bob]}", ""), "global").promotion();
        PromotionPolicy repo = PolicyLoader.parse(String.join("\n",
                "environments:",
                "  - name: staging",
                "    minTests: 5",
                "  - name: production",
                "    minTests: 10",
                "    allowedFailures: 5",
                "    autoApproveBelow: 101",
                "    blockAbove: 70",
                "    rollback: {required: false, rehearsedWithinDays: 7}",
                "    freeze: [{name: launch, from: '2026-12-01', to: '2026-12-02'}]",
                "    approvers: {users: [bob, mallory], authorsMayApprove: true}",
                "  - name: sandbox", ""), "repo").promotion();
        List<String> ignored = new ArrayList<>();
        PromotionPolicy merged = global.tightenedBy(repo, ignored);
        EnvironmentRules prod = merged.environment("production");
        assertThat(prod.minTests()).as("the stricter minimum").isEqualTo(100);
        assertThat(prod.allowedFailures()).isEqualTo(1);
        assertThat(prod.autoApproveBelow()).isEqualTo(40);
        assertThat(prod.blockAbove()).isEqualTo(70);
        assertThat(prod.rollbackRequired()).isTrue();
        assertThat(prod.rollbackRehearsedWithinDays()).isEqualTo(7);
        assertThat(prod.freezes()).extracting(FreezeWindow::name).containsExactly("weekend", "launch");
        assertThat(prod.approvers()).containsExactly("bob");
        assertThat(prod.authorsMayApprove()).isFalse();
        assertThat(merged.environment("staging").minTests()).isEqualTo(5);
        assertThat(merged.names()).isEqualTo("staging, production");
        assertThat(ignored).containsExactly("sandbox");
    }
}
