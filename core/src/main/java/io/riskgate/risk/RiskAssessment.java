package io.riskgate.risk;

import io.riskgate.git.Change;
import java.util.List;

/** The scored change: score 0..100, its level, and every factor that produced it. */
public record RiskAssessment(Change change, ChangeMetrics metrics, List<ReversibilityFinding> findings,
                             int score, Level level, List<Factor> factors, String model) {
    public RiskAssessment {
        findings = List.copyOf(findings);
        factors = List.copyOf(factors);
    }

    public boolean has(FindingKind kind) {
        return findings.stream().anyMatch(f -> f.kind() == kind);
    }
}
