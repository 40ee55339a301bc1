package io.riskgate.risk;

import io.riskgate.git.Change;
import io.riskgate.git.GitRepository;
import io.riskgate.git.HistoryMeasures;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** Assesses the change between two commits of a repository: read from git, analysed, scored. */
public final class ChangeAssessor {
    private final DetectionRules detection;
    private final List<? extends ChangeScorer> scorers;
    private final Consumer<ChangeAnalyzer.Progress> progress;

    public ChangeAssessor(DetectionRules detection, ScoringRules scoring) {
        this(detection, scoring, null);
    }

    public ChangeAssessor(DetectionRules detection, ScoringRules scoring, Consumer<ChangeAnalyzer.Progress> progress) {
        this(detection, List.of(scoring), progress);
    }

    /**
     * Scores each change with every one of {@code scorings} and keeps the highest score: how a
     * repository's policy is kept from loosening a global one (the analysis runs once).
     */
    public ChangeAssessor(DetectionRules detection, List<ScoringRules> scorings, Consumer<ChangeAnalyzer.Progress> progress) {
        this(scorings.stream().map(RiskScorer::new).toList(), detection, progress);
    }

    /**
     * Scores each change with every one of {@code scorers} (the default scorer, or a learned model,
     * per set of scoring rules) and keeps the highest score.
     */
    public ChangeAssessor(List<? extends ChangeScorer> scorers, DetectionRules detection, Consumer<ChangeAnalyzer.Progress> progress) {
        if (scorers.isEmpty()) {
            throw new IllegalArgumentException("at least one scorer is needed");
        }
        this.detection = detection;
        this.scorers = List.copyOf(scorers);
        this.progress = progress;
    }

    public RiskAssessment assess(Path repository, String baseRef, String headRef) {
        return assess(GitRepository.open(repository), baseRef, headRef);
    }

    /**
     * Resolves the change, then checks its ancestry, lists its commits and reads the history of the
     * touched files on a second thread while the diff streams through the analyzer on this one. An
     * ancestry failure wins over the diff.
     */
    public RiskAssessment assess(GitRepository repo, String baseRef, String headRef) {
        GitRepository.Endpoints ends = repo.resolveEndpoints(baseRef, headRef);
        CompletableFuture<Measured> history = CompletableFuture.supplyAsync(() -> {
            repo.checkAncestry(ends);
            Change change = repo.change(ends, repo.commits(ends));
            return new Measured(change, repo.history(change, detection.history()));
        }, COMMIT_LISTER);
        ChangeAnalyzer analyzer = new ChangeAnalyzer(detection, progress);
        try {
            repo.diff(ends.baseline(), ends.head(), analyzer);
        } catch (RuntimeException e) {
            join(history);   // an ancestry error explains a failed diff better
            throw e;
        }
        Measured measured = join(history);
        return highest(measured.change, analyzer.result(measured.change, measured.history));
    }

    private record Measured(Change change, HistoryMeasures history) {
    }

    /** Assesses a change whose commits are already listed; its history is read while the diff streams. */
    public RiskAssessment assess(GitRepository repo, Change change) {
        CompletableFuture<HistoryMeasures> history = CompletableFuture.supplyAsync(
                () -> repo.history(change, detection.history()), COMMIT_LISTER);
        ChangeAnalyzer analyzer = new ChangeAnalyzer(detection, progress);
        repo.diff(change.baseline(), change.head(), analyzer);
        return highest(change, analyzer.result(change, join(history)));
    }

    private RiskAssessment highest(Change change, ChangeAnalysis analysis) {
        RiskAssessment best = null;
        for (ChangeScorer scorer : scorers) {
            RiskAssessment a = scorer.score(change, analysis);
            if (best == null || a.score() > best.score()) {
                best = a;
            }
        }
        return best;
    }

    private static <T> T join(CompletableFuture<T> commits) {
        try {
            return commits.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static final Executor COMMIT_LISTER = task -> {
        Thread thread = new Thread(task, "riskgate-git-log");
        thread.setDaemon(true);
        thread.start();
    };
}
