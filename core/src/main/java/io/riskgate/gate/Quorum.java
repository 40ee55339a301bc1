package io.riskgate.gate;

import io.riskgate.policy.ApprovalQuorum;
import io.riskgate.policy.EnvironmentRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Counts the decisions on a waiting promotion against its environment's quorum. An approval counts
 * once per person, and for every rule that person belongs to; approvals by people who may not
 * approve (the change's authors, the build's starter, anyone who is not an approver) do not count
 * and say why. One rejection by someone who may decide ends the wait.
 */
public final class Quorum {
    private Quorum() {
    }

    /** What the decisions so far amount to. */
    public record Status(int required, List<Counted> approvals, List<String> notCounted, List<String> missing, Approval rejection) {
        public Status {
            approvals = List.copyOf(approvals);
            notCounted = List.copyOf(notCounted);
            missing = List.copyOf(missing);
        }

        /** Enough approvals, and nobody rejected. */
        public boolean met() {
            return rejection == null && missing.isEmpty();
        }

        public boolean rejected() {
            return rejection != null;
        }

        /** Who approved, in words: "alice (release-managers), bob (security)". */
        public String approvedBy() {
            return String.join(", ", approvals.stream().map(Counted::describe).toList());
        }
    }

    /** An approval that counts, and the rules it counts for. */
    public record Counted(Approval approval, List<String> rules) {
        public Counted {
            rules = List.copyOf(rules);
        }

        String describe() {
            return approval.who().id() + (rules.isEmpty() ? "" : " (" + String.join(", ", rules) + ")");
        }
    }

    /**
     * @param decisions every decision so far, oldest first; a later decision of the same person replaces an earlier one
     * @param startedBy who started the build, or null
     * @param authorEmails the change's authors
     */
    public static Status evaluate(EnvironmentRules rules, List<Approval> decisions, ApprovalCheck check, String startedBy,
                                  List<String> authorEmails) {
        ApprovalQuorum quorum = rules.quorum();
        Map<String, Approval> latest = new LinkedHashMap<>();
        for (Approval d : decisions) {
            String key = latest.keySet().stream().filter(k -> check.sameUser(k, d.who().id())).findFirst().orElse(d.who().id());
            latest.remove(key);
            latest.put(d.who().id(), d);
        }
        List<Counted> counted = new ArrayList<>();
        List<String> notCounted = new ArrayList<>();
        Approval rejection = null;
        for (Approval d : latest.values()) {
            if (!d.approved()) {
                Optional<String> refusal = check.rejectionRefusal(rules, d.who());
                if (refusal.isEmpty() && rejection == null) {
                    rejection = d;
                } else {
                    refusal.ifPresent(notCounted::add);
                }
                continue;
            }
            Optional<String> refusal = check.refusal(rules, d.who(), startedBy, authorEmails);
            if (refusal.isPresent()) {
                notCounted.add(refusal.get());
                continue;
            }
            List<String> ruleNames = new ArrayList<>();
            for (ApprovalQuorum.Rule r : quorum.rules()) {
                if (check.belongsTo(r, d.who())) {
                    ruleNames.add(r.label());
                }
            }
            counted.add(new Counted(d, ruleNames));
        }
        List<String> missing = new ArrayList<>();
        if (counted.size() < quorum.required()) {
            int more = quorum.required() - counted.size();
            missing.add(more + " more approval" + (more == 1 ? "" : "s") + " (" + quorum.required() + " required, " + counted.size() + " so far)");
        }
        for (ApprovalQuorum.Rule r : quorum.rules()) {
            long have = counted.stream().filter(c -> c.rules().contains(r.label())).count();
            if (have < r.required()) {
                long more = r.required() - have;
                missing.add(more + " from " + r.label() + " (" + r.required() + " required, " + have + " so far)");
            }
        }
        return new Status(quorum.required(), counted, notCounted, missing, rejection);
    }
}
