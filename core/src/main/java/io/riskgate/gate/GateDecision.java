package io.riskgate.gate;

import io.riskgate.risk.Level;
import java.util.List;

/**
 * The gate's decision for promoting a change into an environment, with every rule's result, pass or fail.
 *
 * @param quorum the approvals counted so far, when the change needs approval; null otherwise
 */
public record GateDecision(String environment, GateOutcome outcome, String head, int score, Level level, List<RuleResult> rules,
                           Quorum.Status quorum) {
    public GateDecision {
        rules = List.copyOf(rules);
    }

    public GateDecision(String environment, GateOutcome outcome, String head, int score, Level level, List<RuleResult> rules) {
        this(environment, outcome, head, score, level, rules, null);
    }

    /**
     * When the promotion may go ahead by waiting: every blocking rule passes by itself by then and
     * the policy says to wait for it (a soak time). Empty when something else blocks.
     */
    public java.util.Optional<java.time.Instant> waitUntil() {
        List<RuleResult> blocking = rules.stream().filter(r -> r.effect() == GateOutcome.BLOCK).toList();
        if (blocking.isEmpty() || !blocking.stream().allMatch(RuleResult::waits)) {
            return java.util.Optional.empty();
        }
        return blocking.stream().map(RuleResult::passesAt).max(java.time.Instant::compareTo);
    }

    /** The rules that did not pass. */
    public List<RuleResult> failed() {
        return rules.stream().filter(r -> !r.passed()).toList();
    }

    /** One line: "BLOCK promotion to production: 2 of 8 rules failed". */
    public String headline() {
        int failed = failed().size();
        return switch (outcome) {
            case ALLOW -> "ALLOW promotion to " + environment + ": all " + rules.size() + " rules passed";
            case NEEDS_APPROVAL -> "NEEDS_APPROVAL for promotion to " + environment + ": " + reasons(GateOutcome.NEEDS_APPROVAL);
            case BLOCK -> "BLOCK promotion to " + environment + ": " + failed + " of " + rules.size() + " rules failed";
        };
    }

    private String reasons(GateOutcome effect) {
        return String.join("; ", rules.stream().filter(r -> r.effect() == effect).map(RuleResult::reason).toList());
    }
}
