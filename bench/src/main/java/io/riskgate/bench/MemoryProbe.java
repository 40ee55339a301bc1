package io.riskgate.bench;

import io.riskgate.risk.ChangeAssessor;
import io.riskgate.risk.DetectionRules;
import io.riskgate.risk.RiskAssessment;
import io.riskgate.risk.ScoringRules;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Assesses a synthetic change of {@code args[0]} files ({@code args[1]} earlier commits; {@code
 * args[2]} the history cache: {@code off}, {@code cold} or {@code warm}) in this JVM (run it with a small fixed heap)
 * and prints: files, changed lines, bytes of diff text, the heap's peak use after the change was
 * built, and the score. Peak use is read from the heap pools' peak counters, reset right before the
 * assessment.
 */
public final class MemoryProbe {
    private MemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        int files = Integer.parseInt(args[0]);
        int history = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        SyntheticChange change = SyntheticChange.create(Files.createTempDirectory("riskgate-mem"), files, history);
        try {
            long diffBytes = SyntheticChange.gitOutputBytes(change.dir, "diff", "-U0", "-M", change.base, change.head);
            ChangeAssessor assessor = new ChangeAssessor(DetectionRules.defaults(), ScoringRules.defaults());
            // args[2], the history cache: off (default), cold (the assessment fills an empty one), warm (filled before)
            String cache = args.length > 2 ? args[2] : "off";
            Path cacheDir = Files.createTempDirectory("riskgate-mem-cache");
            System.setProperty("riskgate.cache.dir", cache.equals("off") ? "off" : cacheDir.toString());
            if (cache.equals("warm")) {
                assessor.assess(Path.of(change.dir.toString()), change.base, change.head);
            }
            System.gc();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            RiskAssessment a = assessor.assess(Path.of(change.dir.toString()), change.base, change.head);
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.printf("%d %d %d %d %d %d%n", files, a.metrics().linesChanged(), diffBytes, peak, a.score(),
                    a.metrics().history().commitsRead());
            SyntheticChange.delete(cacheDir);
        } finally {
            SyntheticChange.delete(change.dir);
        }
    }
}
