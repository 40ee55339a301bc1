package io.riskgate.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the assessment benchmark and the memory probe and prints the figures recorded in
 * docs/performance.md: median times of git's numstat and of the whole assessment, their ratio,
 * and the peak heap of assessments of growing diffs under a fixed 64 MiB heap.
 *
 * <p>Usage: {@code java -jar bench/target/benchmarks.jar [files [earlier commits]]} (default 4000 files, 20000 earlier commits).
 */
public final class BenchmarkReport {
    private BenchmarkReport() {
    }

    public static void main(String[] args) throws Exception {
        String files = args.length > 0 ? args[0] : "4000";
        String history = args.length > 1 ? args[1] : "20000";
        Options options = new OptionsBuilder()
                .include(AssessBenchmark.class.getName())
                .param("files", files)
                .param("history", history)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        double numstat = Double.NaN;
        double patch = Double.NaN;
        double assess = Double.NaN;
        double log = Double.NaN;
        double oneCommit = Double.NaN;
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double median = r.getPrimaryResult().getStatistics().getPercentile(50);
            if (name.endsWith("gitDiffNumstat")) {
                numstat = median;
            } else if (name.endsWith("gitDiffPatch")) {
                patch = median;
            } else if (name.endsWith("gitLogHistory")) {
                log = median;
            } else if (name.endsWith("assessOneCommitLookBack")) {
                oneCommit = median;
            } else if (name.endsWith("assess")) {
                assess = median;
            }
        }
        System.out.println();
        System.out.println("| files | earlier commits | git diff --numstat (ms) | git diff -U0 -M (ms) | git log, history pass (ms) | riskgate assess (ms) | assess / numstat | assess / patch |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f |%n", files, history, numstat, patch, log, assess,
                assess / numstat, assess / patch);
        System.out.printf(Locale.ROOT, "look-back of one commit: riskgate assess %.0f ms, %.2f x numstat%n", oneCommit, oneCommit / numstat);

        System.out.println();
        System.out.println("Memory: whole assessment in a JVM with -Xmx64m");
        System.out.println("| files | earlier commits | changed lines | diff text (MiB) | peak heap (MiB) | score | history commits read |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        String jar = Path.of(BenchmarkReport.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        int[][] probes = {{1000, 0}, {4000, 0}, {16000, 0}, {4000, 20000}, {4000, 80000}};
        for (int[] probe : probes) {
            int n = probe[0];
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-cp", jar, MemoryProbe.class.getName(), String.valueOf(n), String.valueOf(probe[1])));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String line;
            String last = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                while ((line = r.readLine()) != null) {
                    last = line;
                }
            }
            if (p.waitFor() != 0 || last == null) {
                System.out.println("| " + n + " | " + probe[1] + " | failed: " + last + " | | | | |");
                continue;
            }
            String[] f = last.split(" ");
            System.out.printf(Locale.ROOT, "| %s | %d | %s | %.1f | %.1f | %s | %s |%n", f[0], probe[1], f[1],
                    Long.parseLong(f[2]) / 1048576.0, Long.parseLong(f[3]) / 1048576.0, f[4], f[5]);
        }
    }
}
