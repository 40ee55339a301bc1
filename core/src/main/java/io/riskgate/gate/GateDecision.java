package io.riskgate.gate;

import io.riskgate.risk.Level;
import java.util.List;

/** The gate's decision for promoting a change into an environment, with every rule's result, pass or fail. */
public record GateDecision(String environment, GateOutcome outcome, String head, int score, Level level, List<RuleResult> rules) {
    public GateDecision {
        rules = List.copyOf(rules);
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
