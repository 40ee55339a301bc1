package io.riskgate.bench;

import io.riskgate.git.ChangeHistory;
import io.riskgate.git.GitRepository;
import io.riskgate.git.HistoryMeasures;
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

    /**
     * The assessment as on a first run in a repository: the history cache off, the whole look-back
     * read from git (on this machine's two processors in one git log; see {@link #assessReaders}).
     */
    @Benchmark
    public RiskAssessment assess() {
        System.setProperty("riskgate.cache.dir", "off");
        return assessor.assess(Path.of(change.dir.toString()), change.base, change.head);
    }

    /**
     * The first assessment with the history's tree diffs read by {@code readers} git processes
     * ({@code riskgate.history.readers}; by default one per processor but one, so one here).
     */
    @Benchmark
    public RiskAssessment assessReaders(Readers r) {
        System.setProperty("riskgate.cache.dir", "off");
        System.setProperty("riskgate.history.readers", Integer.toString(r.readers));
        try {
            return assessor.assess(Path.of(change.dir.toString()), change.base, change.head);
        } finally {
            System.clearProperty("riskgate.history.readers");
        }
    }

    /**
     * The assessment again (the usual case on a machine that assessed the repository before): the
     * files of the look-back's commits come from the history cache, git lists only their headers.
     */
    @Benchmark
    public RiskAssessment assessCached(Cached cached) {
        System.setProperty("riskgate.cache.dir", cached.dir.toString());
        return assessor.assess(Path.of(change.dir.toString()), change.base, change.head);
    }

    /**
     * The assessment with a cache written by an assessment {@value NEW_COMMITS} commits earlier:
     * git lists the headers and the tree diffs of the {@value NEW_COMMITS} commits the cache lacks.
     */
    @Benchmark
    public RiskAssessment assessCachedAfterNewCommits(Behind behind) {
        System.setProperty("riskgate.cache.dir", behind.dir.toString());
        return assessor.assess(Path.of(change.dir.toString()), change.base, change.head);
    }

    static final int NEW_COMMITS = 100;

    /** How many git processes read the history pass's tree diffs ({@code riskgate.history.readers}). */
    @State(Scope.Benchmark)
    public static class Readers {
        @Param({"1", "2"})
        int readers;
    }

    /**
     * The history pass alone, as a first assessment reads it (no cache): the headers and the tree
     * diffs of 20,000 commits by {@code readers} git processes (1: one git log), here with a core
     * for each, as on a machine with a core more than readers beside the diff.
     */
    @Benchmark
    public HistoryMeasures historyPass(Readers r) {
        System.setProperty("riskgate.cache.dir", "off");
        System.setProperty("riskgate.history.readers", Integer.toString(r.readers));
        try {
            GitRepository repo = GitRepository.open(Path.of(change.dir.toString()));
            return new ChangeHistory(repo, HistoryRules.defaults()).measure(repo.change(change.base, change.head));
        } finally {
            System.clearProperty("riskgate.history.readers");
        }
    }

    /** A history cache filled by one assessment of the change. */
    @State(Scope.Benchmark)
    public static class Cached {
        Path dir;

        @Setup(Level.Trial)
        public void fill(AssessBenchmark b) throws IOException {
            dir = Files.createTempDirectory("riskgate-bench-cache");
            System.setProperty("riskgate.cache.dir", dir.toString());
            b.assessor.assess(Path.of(b.change.dir.toString()), b.change.base, b.change.head);
        }

        @TearDown(Level.Trial)
        public void delete() {
            SyntheticChange.delete(dir);
        }
    }

    /** A history cache as an assessment {@value NEW_COMMITS} commits before the baseline left it, put back before each call. */
    @State(Scope.Benchmark)
    public static class Behind {
        Path dir;
        Path saved;

        @Setup(Level.Trial)
        public void fill(AssessBenchmark b) throws IOException {
            dir = Files.createTempDirectory("riskgate-bench-cache");
            System.setProperty("riskgate.cache.dir", dir.toString());
            String earlier = b.change.base + "~" + NEW_COMMITS;
            b.assessor.assess(Path.of(b.change.dir.toString()), earlier + "~1", earlier);
            saved = Files.createTempDirectory("riskgate-bench-saved");
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.copy(f, saved.resolve(f.getFileName()));
                }
            }
        }

        @Setup(Level.Invocation)
        public void restore() throws IOException {
            try (var files = Files.list(saved)) {
                for (Path f : files.toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }

        @TearDown(Level.Trial)
        public void delete() {
            SyntheticChange.delete(dir);
            SyntheticChange.delete(saved);
        }
    }

    /** The same assessment with a look-back of one commit: what the history pass over 20,000 commits adds. */
    @Benchmark
    public RiskAssessment assessOneCommitLookBack() {
        System.setProperty("riskgate.cache.dir", "off");
        return oneCommitLookBack.assess(Path.of(change.dir.toString()), change.base, change.head);
    }
}
