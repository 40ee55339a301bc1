package io.riskgate.gate;

import java.util.List;

/** Someone who wants to approve or reject a promotion: user id, e-mail (may be null) and groups. */
public record Approver(String id, String email, List<String> groups) {
    public Approver {
        groups = List.copyOf(groups);
    }
}
