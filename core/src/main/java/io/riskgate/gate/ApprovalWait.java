package io.riskgate.gate;

import io.riskgate.policy.EnvironmentRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one more decision does to a promotion waiting for approval: refused (the person may not
 * decide), counted while the quorum is still short, approved (the quorum is met and no freeze is in
 * force at that moment), frozen (the quorum is met, but a freeze began while it waited) or rejected.
 * The caller applies the outcome once, under its own lock: a decision that arrives after another
 * settled the promotion is refused with who settled it.
 */
public final class ApprovalWait {
    private ApprovalWait() {
    }

    /** What a decision did. */
    public enum Kind {
        /** The person may not decide (not an approver, an author, the starter): nothing changes. */
        REFUSED,
        /** Counted; the promotion keeps waiting for what is still missing. */
        COUNTED,
        /** The quorum is met and the environment is not frozen: the deployment may start. */
        APPROVED,
        /** The quorum is met, but the environment is frozen now: the promotion is blocked. */
        FROZEN,
        /** Someone who may decide rejected it. */
        REJECTED
    }

    /** The outcome of one decision, with the quorum as it stands after it and the reason in words. */
    public record Transition(Kind kind, Quorum.Status status, String reason) {
        /** Whether this decision settled the promotion (it no longer waits). */
        public boolean settles() {
            return kind == Kind.APPROVED || kind == Kind.FROZEN || kind == Kind.REJECTED;
        }
    }

    /**
     * @param earlier the decisions already counted, oldest first
     * @param decision the new one
     */
    public static Transition decide(EnvironmentRules rules, PromotionCandidate change, List<Approval> earlier, Approval decision,
                                    String startedBy, ApprovalCheck check) {
        Optional<String> refusal = decision.approved()
                ? check.refusal(rules, decision.who(), startedBy, change.authors())
                : check.rejectionRefusal(rules, decision.who());
        if (refusal.isPresent()) {
            return new Transition(Kind.REFUSED, Quorum.evaluate(rules, earlier, check, startedBy, change.authors()), refusal.get());
        }
        List<Approval> all = new ArrayList<>(earlier);
        all.add(decision);
        Quorum.Status status = Quorum.evaluate(rules, all, check, startedBy, change.authors());
        String who = decision.who().id();
        if (status.rejected()) {
            return new Transition(Kind.REJECTED, status, "rejected by " + who + comment(decision));
        }
        String approved = "approved by " + who + comment(decision);
        if (!status.met()) {
            return new Transition(Kind.COUNTED, status, approved + "; approved so far by "
                    + status.approvedBy() + ", still missing: " + String.join(", ", status.missing()));
        }
        RuleResult freeze = GateEvaluator.freezeNow(rules, change, decision.at());
        if (!freeze.passed()) {
            return new Transition(Kind.FROZEN, status, approved + "; approved by " + status.approvedBy() + ", but " + freeze.reason());
        }
        return new Transition(Kind.APPROVED, status, approved + "; approved by " + status.approvedBy());
    }

    /** When a promotion that began waiting at {@code since} ends EXPIRED, if the environment sets a timeout. */
    public static Optional<Instant> expiresAt(EnvironmentRules rules, Instant since) {
        return rules.approvalTimeout() == null ? Optional.empty() : Optional.of(since.plus(rules.approvalTimeout()));
    }

    /** The reason an expired promotion gives. */
    public static String expiredReason(EnvironmentRules rules, Quorum.Status status) {
        String missing = status == null || status.missing().isEmpty() ? "" : "; still missing: " + String.join(", ", status.missing());
        return "no decision within the approval timeout of " + GateEvaluator.words(rules.approvalTimeout()) + " in " + rules.name()
                + (status == null || status.approvals().isEmpty() ? "" : "; approved by " + status.approvedBy()) + missing;
    }

    private static String comment(Approval d) {
        return d.comment() == null || d.comment().isBlank() ? "" : ": " + d.comment();
    }
}
