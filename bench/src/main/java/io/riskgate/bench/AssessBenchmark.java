package io.riskgate.bench;

import io.riskgate.git.HistoryRules;
import io.riskgate.risk.ChangeAssessor;
import io.riskgate.risk.DetectionRules;
import io.riskgate.risk.RiskAssessment;
import io.riskgate.risk.ScoringRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole assessment of a large change (resolve refs, list commits, read the history of the touched
 * files, stream and analyse the diff, score) against git's own {@code git diff --numstat} of the same
 * change, in the same run, with {@code history} earlier commits before the baseline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 10)
@Fork(1)
public class AssessBenchmark {
    @Param("4000")
    int files;

    /** Earlier commits before the change's baseline, which the history measures read. */
    @Param("20000")
    int history;

    SyntheticChange change;
    ChangeAssessor assessor;
    ChangeAssessor oneCommitLookBack;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        change = SyntheticChange.create(Files.createTempDirectory("riskgate-bench"), files, history);
        assessor = new ChangeAssessor(DetectionRules.defaults(), ScoringRules.defaults());
        DetectionRules d = DetectionRules.defaults();
        DetectionRules shortLookBack = new DetectionRules(d.exclude(), d.docs(), d.tests(), d.migrations(), d.infrastructure(),
                d.dependencies(), d.publicApi(), d.config(), d.secrets(), d.featureFlagMarkers(),
                new HistoryRules(HistoryRules.DEFAULT_LOOK_BACK_DAYS, 1, HistoryRules.DEFAULT_FIX_PATTERNS));
        oneCommitLookBack = new ChangeAssessor(shortLookBack, ScoringRules.defaults());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        SyntheticChange.delete(change.dir);
    }

    @Benchmark
    public long gitDiffNumstat() {
        return SyntheticChange.gitOutputBytes(change.dir, "diff", "--numstat", "-M", change.base, change.head);
    }

    /** What git alone needs to write the patch the assessment reads: the floor of any patch-reading design. */
    @Benchmark
    public long gitDiffPatch() {
        return SyntheticChange.gitOutputBytes(change.dir, "diff", "-U0", "-M", change.base, change.head);
    }

    /** What git alone needs for the history pass the assessment reads (the look-back's commits, with their files). */
    @Benchmark
    public long gitLogHistory() {
        return SyntheticChange.gitOutputBytes(change.dir, "log", "--no-merges", "-M", "--name-status", "-z",
                "--format=%x1e%H%x1f%at%x1f%ae", "--max-count=20000", change.base, "--");
    }

    @Benchmark
    public RiskAssessment assess() {
        return assessor.assess(Path.of(change.dir.toString()), change.base, change.head);
    }

    /** The same assessment with a look-back of one commit: what the history pass over 20,000 commits adds. */
    @Benchmark
    public RiskAssessment assessOneCommitLookBack() {
        return oneCommitLookBack.assess(Path.of(change.dir.toString()), change.base, change.head);
    }
}
