package io.riskgate.gate;

import io.riskgate.risk.Level;
import io.riskgate.risk.RiskAssessment;
import java.util.ArrayList;
import java.util.List;

/** What the gate needs to know about the change being promoted: its head commit, risk and authors. */
public record PromotionCandidate(String head, int score, Level level, List<String> authors) {
    public PromotionCandidate {
        authors = List.copyOf(authors);
    }

    public static PromotionCandidate of(RiskAssessment assessment) {
        return new PromotionCandidate(assessment.change().head(), assessment.score(), assessment.level(),
                new ArrayList<>(assessment.change().authors()));
    }
}
