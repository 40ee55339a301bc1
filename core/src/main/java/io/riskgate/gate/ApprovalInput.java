package io.riskgate.gate;

import java.util.List;

/**
 * The decisions a waiting promotion has received, and what they are checked against: who started
 * the build, and how user ids and groups compare.
 */
public record ApprovalInput(List<Approval> decisions, String startedBy, ApprovalCheck check) {
    public ApprovalInput {
        decisions = List.copyOf(decisions);
    }

    /** No decision yet. */
    public static ApprovalInput none() {
        return new ApprovalInput(List.of(), null, ApprovalCheck.caseInsensitive());
    }
}
