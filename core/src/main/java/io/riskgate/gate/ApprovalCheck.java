package io.riskgate.gate;

import io.riskgate.policy.EnvironmentRules;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Whether a person may approve or reject a promotion under an environment's rules. To decide at all
 * they must be a named approver or in an approver group when the rules name any. To approve, they
 * must also not be an author of the change and not have started the build, unless the rules allow
 * it: nobody waves their own change through, but anyone who may decide may stop one. Whether they
 * hold the Approve permission is the caller's check (it depends on the host, e.g. Jenkins).
 */
public final class ApprovalCheck {
    private final BiPredicate<String, String> sameUser;
    private final BiPredicate<String, String> sameGroup;

    /** Compare user ids and group names with these predicates (Jenkins' IdStrategy, for instance). */
    public ApprovalCheck(BiPredicate<String, String> sameUser, BiPredicate<String, String> sameGroup) {
        this.sameUser = sameUser;
        this.sameGroup = sameGroup;
    }

    /** Ids and groups compared without case. */
    public static ApprovalCheck caseInsensitive() {
        return new ApprovalCheck(String::equalsIgnoreCase, String::equalsIgnoreCase);
    }

    /**
     * @param startedBy user id of whoever started the build, or null
     * @param authorEmails e-mail addresses of the change's authors
     * @return why this person may not decide, or empty if they may
     */
    public Optional<String> refusal(EnvironmentRules rules, Approver who, String startedBy, List<String> authorEmails) {
        Optional<String> notAnApprover = rejectionRefusal(rules, who);
        if (notAnApprover.isPresent()) {
            return notAnApprover;
        }
        if (!rules.authorsMayApprove() && who.email() != null
                && authorEmails.stream().anyMatch(a -> a.toLowerCase(Locale.ROOT).equals(who.email().toLowerCase(Locale.ROOT)))) {
            return Optional.of(who.id() + " is an author of this change and may not approve its promotion to " + rules.name());
        }
        if (!rules.starterMayApprove() && startedBy != null && sameUser.test(startedBy, who.id())) {
            return Optional.of(who.id() + " started this build and may not approve its promotion to " + rules.name());
        }
        return Optional.empty();
    }

    /** Why this person may not reject (stop) a promotion, or empty if they may. */
    public Optional<String> rejectionRefusal(EnvironmentRules rules, Approver who) {
        if (rules.restrictsApprovers() && !named(rules, who)) {
            return Optional.of(who.id() + " is not an approver of " + rules.name() + " (" + GateEvaluator.approvers(rules) + ")");
        }
        return Optional.empty();
    }

    /** Whether the person is one of the rule's users or in one of its groups. */
    public boolean belongsTo(io.riskgate.policy.ApprovalQuorum.Rule rule, Approver who) {
        return rule.users().stream().anyMatch(u -> sameUser.test(u, who.id()))
                || rule.groups().stream().anyMatch(g -> who.groups().stream().anyMatch(mine -> sameGroup.test(g, mine)));
    }

    /** Whether two user ids name the same person. */
    public boolean sameUser(String a, String b) {
        return sameUser.test(a, b);
    }

    private boolean named(EnvironmentRules rules, Approver who) {
        return rules.approvers().stream().anyMatch(a -> sameUser.test(a, who.id()))
                || rules.approverGroups().stream().anyMatch(g -> who.groups().stream().anyMatch(mine -> sameGroup.test(g, mine)))
                || rules.quorum().rules().stream().anyMatch(r -> belongsTo(r, who));
    }
}
