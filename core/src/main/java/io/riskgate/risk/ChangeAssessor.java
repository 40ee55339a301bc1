package io.riskgate.risk;

import io.riskgate.git.Change;
import io.riskgate.git.GitRepository;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Assesses the change between two commits of a repository: read from git, analysed, scored. */
public final class ChangeAssessor {
    private final DetectionRules detection;
    private final ScoringRules scoring;
    private final Consumer<ChangeAnalyzer.Progress> progress;

    public ChangeAssessor(DetectionRules detection, ScoringRules scoring) {
        this(detection, scoring, null);
    }

    public ChangeAssessor(DetectionRules detection, ScoringRules scoring, Consumer<ChangeAnalyzer.Progress> progress) {
        this.detection = detection;
        this.scoring = scoring;
        this.progress = progress;
    }

    public RiskAssessment assess(Path repository, String baseRef, String headRef) {
        GitRepository repo = GitRepository.open(repository);
        Change change = repo.change(baseRef, headRef);
        return assess(repo, change);
    }

    public RiskAssessment assess(GitRepository repo, Change change) {
        ChangeAnalyzer analyzer = new ChangeAnalyzer(detection, progress);
        repo.diff(change.baseline(), change.head(), analyzer);
        return new RiskScorer(scoring).score(change, analyzer.result(change));
    }
}
