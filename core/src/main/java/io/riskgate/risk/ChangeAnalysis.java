package io.riskgate.risk;

import java.util.List;

/**
 * What was measured and found in a change, before scoring.
 *
 * @param docsOnly every counted file is documentation
 * @param secretsLikeFiles changed files that look like secrets or key material
 * @param breakingApi an API schema lost lines or was deleted
 * @param subsystemNames the top-level areas touched, for explanations
 */
public record ChangeAnalysis(ChangeMetrics metrics, List<ReversibilityFinding> findings, boolean docsOnly,
                             int secretsLikeFiles, boolean breakingApi, List<String> subsystemNames) {
    public ChangeAnalysis {
        findings = List.copyOf(findings);
        subsystemNames = List.copyOf(subsystemNames);
    }

    public List<ReversibilityFinding> findings(FindingKind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }
}
