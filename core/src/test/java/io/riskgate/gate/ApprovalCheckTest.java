package io.riskgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.policy.EnvironmentRules;
import io.riskgate.policy.PolicyLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApprovalCheckTest {
    static EnvironmentRules production(String approvers) {
        return PolicyLoader.parse("environments:\n  - name: staging\n  - name: production\n    approvers: " + approvers + "\n", "t")
                .promotion().environment("production");
    }

    final ApprovalCheck check = ApprovalCheck.caseInsensitive();
    final List<String> authors = List.of("dev@example.com");

    @Test
    void namedApproversAndGroupMembersMayApproveOthersMayNot() {
        EnvironmentRules rules = production("{users: [alice], groups: [release-managers]}");
        assertThat(check.refusal(rules, new Approver("ALICE", "alice@example.com", List.of()), "bob", authors)).isEmpty();
        assertThat(check.refusal(rules, new Approver("carol", null, List.of("Release-Managers")), "bob", authors)).isEmpty();
        assertThat(check.refusal(rules, new Approver("mallory", "m@example.com", List.of("developers")), "bob", authors))
                .hasValue("mallory is not an approver of production (approvers: alice, group release-managers)");
    }

    @Test
    void authorsAndTheStarterAreRefusedUnlessAllowed() {
        EnvironmentRules rules = production("{users: [alice, dev]}");
        assertThat(check.refusal(rules, new Approver("dev", "Dev@Example.com", List.of()), "bob", authors))
                .hasValueSatisfying(r -> assertThat(r).contains("is an author of this change"));
        assertThat(check.refusal(rules, new Approver("alice", "alice@example.com", List.of()), "Alice", authors))
                .hasValueSatisfying(r -> assertThat(r).contains("started this build"));
        assertThat(check.rejectionRefusal(rules, new Approver("dev", "dev@example.com", List.of()))).as("an author may stop their change").isEmpty();
        assertThat(check.rejectionRefusal(rules, new Approver("mallory", null, List.of())))
                .hasValueSatisfying(r -> assertThat(r).contains("is not an approver of production"));
        EnvironmentRules relaxed = production("{users: [alice, dev], authorsMayApprove: true, starterMayApprove: true}");
        assertThat(check.refusal(relaxed, new Approver("dev", "dev@example.com", List.of()), "dev", authors)).isEmpty();
    }

    @Test
    void withoutNamedApproversAnyoneElseMay() {
        EnvironmentRules open = production("{}");
        assertThat(check.refusal(open, new Approver("zed", null, List.of()), "bob", authors)).isEmpty();
    }
}
