package io.riskgate.bench;

import io.riskgate.records.DoraMetrics;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.JdbcChangeRecordStore;
import io.riskgate.records.Outcome;
import io.riskgate.records.RecordQuery;
import io.riskgate.report.DeliveryReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The change-record store at scale (a documented harness: loading a million records per JMH
 * iteration would take the whole budget). Loads N synthetic records (default 1,000,000) into a
 * fresh embedded store, then times, alternately in the same run, the DORA report of the store and
 * the same aggregate written as one plain SQL statement against the same database, and prints
 * medians and their ratio; then the full delivery report (DORA, trends, readiness, calibration)
 * and its peak heap.
 *
 * <p>Usage: {@code java -Xmx512m -cp bench/target/benchmarks.jar io.riskgate.bench.RecordsBenchmark [records] [rounds]}
 */
public final class RecordsBenchmark {
    static final String PLAIN_SQL = "SELECT"
            + " (SELECT COUNT(*) FROM change_record),"
            + " (SELECT COUNT(*) FROM change_record WHERE outcome = 'SUCCEEDED'),"
            + " (SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY finished_at - commit_time) FROM change_record WHERE outcome = 'SUCCEEDED' AND commit_time IS NOT NULL),"
            + " (SELECT PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY finished_at - commit_time) FROM change_record WHERE outcome = 'SUCCEEDED' AND commit_time IS NOT NULL),"
            + " (SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY restored - finished_at) FROM (SELECT finished_at, outcome,"
            + "   MIN(CASE WHEN outcome = 'SUCCEEDED' THEN finished_at END) OVER (PARTITION BY pipeline, environment"
            + "   ORDER BY finished_at DESC RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS restored FROM change_record) t"
            + "   WHERE outcome <> 'SUCCEEDED' AND restored IS NOT NULL)";

    private RecordsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path dir = Files.createTempDirectory("riskgate-records-bench");
        // H2 reuses the results of repeated identical queries over unchanged tables: off, so that every round computes
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("records") + ";LOCK_TIMEOUT=10000;OPTIMIZE_REUSE_RESULTS=FALSE";
        try (JdbcChangeRecordStore store = JdbcChangeRecordStore.connect(url, null, null)) {
            long t0 = System.nanoTime();
            SplittableRandom random = new SplittableRandom(42);
            List<ChangeRecord> batch = new ArrayList<>(10_000);
            Instant start = Instant.parse("2025-11-01T00:00:00Z");
            long span = Duration.ofDays(365).toMillis();
            for (int i = 0; i < n; i++) {
                batch.add(synthetic(i, n, start, span, random));
                if (batch.size() == 10_000) {
                    store.saveAll(batch);
                    batch.clear();
                }
            }
            store.saveAll(batch);
            double ingest = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "ingest: %,d records in %.1f s = %,.0f records/s (transactions of 10,000)%n", n, ingest, n / ingest);

            List<Double> ours = new ArrayList<>();
            List<Double> plain = new ArrayList<>();
            DoraMetrics dora = null;
            double[] plainValues = null;
            try (Connection c = DriverManager.getConnection(url)) {
                for (int r = 0; r < rounds + 1; r++) {
                    long a = System.nanoTime();
                    dora = store.dora(RecordQuery.ALL);
                    double oursMs = (System.nanoTime() - a) / 1e6;
                    long b = System.nanoTime();
                    plainValues = plain(c);
                    double plainMs = (System.nanoTime() - b) / 1e6;
                    if (r > 0) {          // the first round warms up
                        ours.add(oursMs);
                        plain.add(plainMs);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "dora: deployments %d, CFR %.4f, lead median %.0f s, p90 %.0f s, restore median %.0f s%n",
                    dora.deployments(), dora.changeFailureRate(), dora.leadTimeMedian(), dora.leadTimeP90(), dora.timeToRestoreMedian());
            System.out.printf(Locale.ROOT, "plain SQL agrees: %b%n", plainValues[0] == dora.deployments()
                    && plainValues[2] / 1000.0 == dora.leadTimeMedian() && plainValues[3] / 1000.0 == dora.leadTimeP90()
                    && plainValues[4] / 1000.0 == dora.timeToRestoreMedian());
            double oursMedian = median(ours);
            double plainMedian = median(plain);
            System.out.println();
            System.out.println("| records | plain SQL median (ms) | store.dora() median (ms) | ratio | rounds |");
            System.out.println("| ---: | ---: | ---: | ---: | ---: |");
            System.out.printf(Locale.ROOT, "| %,d | %.0f | %.0f | %.2f | %d |%n", n, plainMedian, oursMedian, oursMedian / plainMedian, rounds);

            store.close();
            // the full report in a JVM with a small fixed heap: it must not need more memory for more records
            for (String heap : new String[] {"64m"}) {
                List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap, "-cp",
                        Path.of(RecordsBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                        ReportProbe.class.getName(), url);
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
                System.out.printf(Locale.ROOT, "%nfull delivery report with -Xmx%s: %s (exit %d)%n", heap, output, p.waitFor());
            }
        } finally {
            SyntheticChange.delete(dir);
        }
    }

    /** Computes the full delivery report of the store at args[0] and prints its size and time. */
    public static final class ReportProbe {
        public static void main(String[] args) {
            try (JdbcChangeRecordStore store = JdbcChangeRecordStore.connect(args[0], null, null)) {
                long a = System.nanoTime();
                DeliveryReport report = DeliveryReport.of(store, RecordQuery.ALL, Instant.parse("2026-11-01T00:00:00Z"), "production");
                System.out.printf(Locale.ROOT, "%,d deployments, %d weeks, %d pipelines, AUC %.3f in %.1f s",
                        report.dora().deployments(), report.weekly().size(), report.readiness().size(), report.auc(), (System.nanoTime() - a) / 1e9);
            }
        }
    }

    /** A plausible deployment: 50 pipelines, 3 environments, a year of history; failures likelier at higher risk. */
    static ChangeRecord synthetic(int i, int n, Instant start, long span, SplittableRandom random) {
        long finished = start.toEpochMilli() + (long) ((double) i / n * span) + random.nextLong(60_000);
        int risk = (int) Math.min(100, Math.max(0, random.nextGaussian() * 18 + 30));
        double pFail = 0.05 + 0.004 * risk;
        Outcome outcome = random.nextDouble() < pFail ? (random.nextBoolean() ? Outcome.FAILED : Outcome.ROLLED_BACK) : Outcome.SUCCEEDED;
        String level = risk >= 75 ? "CRITICAL" : risk >= 50 ? "HIGH" : risk >= 25 ? "MEDIUM" : "LOW";
        long lead = 600_000 + random.nextLong(3 * 86_400_000L);
        String env = switch (i % 3) {
            case 0 -> "dev";
            case 1 -> "staging";
            default -> "production";
        };
        return new ChangeRecord("r" + i, "team-" + (i % 50), env, Long.toHexString(random.nextLong()), Instant.ofEpochMilli(finished - lead),
                Instant.ofEpochMilli(finished - 300_000), Instant.ofEpochMilli(finished), outcome, risk, level, "default", "ci",
                "https://ci.example.com/job/team-" + (i % 50) + "/" + i + "/", i % 7 == 0 ? null : "https://runbooks.example.com/" + (i % 50),
                outcome.failure() && random.nextBoolean() ? "https://pir.example.com/" + i : null, "./deploy.sh --rollback", null,
                200 + random.nextInt(300), 0, null, ChangeRecord.Metrics.NONE);
    }

    private static double[] plain(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(PLAIN_SQL)) {
            rs.next();
            return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5)};
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }
}
