package io.riskgate.policy;

import java.util.List;

/**
 * How many distinct people must approve a promotion: {@code required} overall, and per rule at
 * least the rule's {@code required} among its users and groups (GitLab's approval rules, GitHub's
 * required reviewers). One approval counts for every rule its approver belongs to.
 */
public record ApprovalQuorum(int required, List<Rule> rules) {
    /** One approval, by anyone who may approve: the default. */
    public static final ApprovalQuorum ONE = new ApprovalQuorum(1, List.of());

    public ApprovalQuorum {
        rules = List.copyOf(rules);
        if (required < 1) {
            throw new IllegalArgumentException("at least one approval is required");
        }
    }

    /** A group of approvers of which {@code required} must approve. */
    public record Rule(String name, List<String> users, List<String> groups, int required) {
        public Rule {
            users = List.copyOf(users);
            groups = List.copyOf(groups);
            if (required < 1) {
                throw new IllegalArgumentException("a rule requires at least one approval");
            }
            if (users.isEmpty() && groups.isEmpty()) {
                throw new IllegalArgumentException("a rule names users or groups");
            }
        }

        /** The rule's name, or its groups and users when it has none. */
        public String label() {
            if (name != null) {
                return name;
            }
            List<String> who = new java.util.ArrayList<>(groups);
            who.addAll(users);
            return String.join("/", who);
        }
    }

    /** Whether more than the default single approval is asked for. */
    public boolean beyondOne() {
        return required > 1 || !rules.isEmpty();
    }

    /** The stricter of two quorums: the higher overall count, and every rule of both. */
    ApprovalQuorum tightenedBy(ApprovalQuorum other) {
        List<Rule> all = new java.util.ArrayList<>(rules);
        other.rules.stream().filter(r -> !all.contains(r)).forEach(all::add);
        return new ApprovalQuorum(Math.max(required, other.required), all);
    }
}
