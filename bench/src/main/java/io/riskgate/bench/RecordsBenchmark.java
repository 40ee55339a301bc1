package io.riskgate.bench;

import io.riskgate.cli.RiskGate;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.DoraMetrics;
import io.riskgate.records.JdbcChangeRecordStore;
import io.riskgate.records.Outcome;
import io.riskgate.records.RecordQuery;
import io.riskgate.report.DeliveryReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
 * iteration would take the whole budget). For each number of records and each database (embedded
 * H2, and PostgreSQL when Debian's packages are installed: the harness starts a throwaway server as
 * .ci/postgres.sh does), it loads that many synthetic records into a fresh store, timing the ingest
 * with the aggregates maintained; then times, alternately in the same run, the DORA aggregate written
 * as one plain SQL statement over the raw table (the baseline), {@code store.dora()}, the dashboard's
 * report (the delivery report, the first page of changes and the count, as the Jenkins dashboard asks
 * for them, for all records and for one environment and an unaligned window), and
 * {@code riskgate report --format json} run in this JVM; it prints the medians and their ratios to
 * the baseline. Finally it computes the full delivery report in a separate JVM with a 64 MiB heap and
 * reports its peak heap use.
 *
 * <p>Usage: {@code java -Xmx512m -cp bench/target/benchmarks.jar io.riskgate.bench.RecordsBenchmark
 * [records,records...] [rounds] [h2,postgresql]} (defaults: 100000,1000000 7 h2,postgresql)
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
    static final Instant START = Instant.parse("2025-11-01T00:00:00Z");
    static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
    /** The dashboard's second query: one environment, a window that starts and ends inside days. */
    static final RecordQuery WINDOW = new RecordQuery("production", null, START.plus(Duration.ofHours(100 * 24 + 13)),
            START.plus(Duration.ofHours(250 * 24 + 7)));

    private RecordsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("index-cost")) {
            indexCost(atLeastOne(args.length > 1 ? args[1] : "100000", "records"), atLeastOne(args.length > 2 ? args[2] : "3", "rounds"));
            return;
        }
        List<Integer> sizes = new ArrayList<>();
        for (String s : (args.length > 0 ? args[0] : "100000,1000000").split(",")) {
            sizes.add(atLeastOne(s.strip(), "records"));
        }
        int rounds = atLeastOne(args.length > 1 ? args[1] : "7", "rounds");
        List<String> databases = List.of((args.length > 2 ? args[2] : "h2,postgresql").split(","));
        List<String> rows = new ArrayList<>();
        Postgres postgres = null;
        try {
            for (String database : databases) {
                if (database.equals("postgresql")) {
                    postgres = Postgres.start();
                    if (postgres == null) {
                        System.out.println("PostgreSQL is not installed (/usr/lib/postgresql/*/bin): its rows are left out");
                        continue;
                    }
                }
                for (int n : sizes) {
                    String row = run(database, n, rounds, postgres);
                    System.out.println(row);   // at once, too: a long run may be stopped before the table at the end
                    rows.add(row);
                }
            }
        } finally {
            if (postgres != null) {
                postgres.stop();
            }
        }
        System.out.println();
        System.out.println("| database | records in the store | records per write | records written | ingest with the aggregates (records/s) |"
                + " plain batched INSERTs (records/s) | ingest / plain |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        INGEST_ROWS.forEach(System.out::println);
        System.out.println();
        System.out.println("| database | records | ingest (records/s) | plain SQL (ms) | store.dora() (ms) | dashboard report, all (ms) | dashboard report,"
                + " production, unaligned window (ms) | riskgate report --format json (ms) | report / plain SQL | full report in 64 MiB: peak heap |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        rows.forEach(System.out::println);
    }

    /** Rows of the ingest table: each batch size against plain INSERTs in batches of the same size. */
    private static final List<String> INGEST_ROWS = new ArrayList<>();

    /**
     * Ingest in writes of {@code batch} records (the first {@code m} synthetic records of a history
     * of {@code n}) into a new store, against the same records as plain INSERTs in transactions of
     * the same size into a new table of schema V1-V3 (its indexes, no aggregates).
     */
    private static void ingestBatches(String database, int n, Postgres postgres, Path dir) throws Exception {
        for (String b : System.getProperty("bench.batches", "1,100").split(",")) {
            if (b.isBlank()) {
                continue;
            }
            int batch = Integer.parseInt(b.strip());
            int m = Math.min(n, batch == 1 ? Integer.getInteger("bench.singleWrites", 2_000) : Math.max(20_000, 2 * batch));
            String url = database.equals("h2") ? h2(dir, "batch" + batch)
                    : postgres.freshDatabase();
            String plainUrl = database.equals("h2") ? h2(dir, "plain" + batch)
                    : postgres.freshDatabase();
            double plain = plainIngest(plainUrl, n, m, batch);
            double rate;
            try (JdbcChangeRecordStore store = JdbcChangeRecordStore.connect(url, null, null)) {
                rate = ingest(store, n, m, batch);
            }
            System.out.printf(Locale.ROOT, "ingest in writes of %,d: %,.0f records/s (plain INSERTs in transactions of %,d: %,.0f records/s),"
                    + " the first %,d records%n", batch, rate, batch, plain, m);
            INGEST_ROWS.add(String.format(Locale.ROOT, "| %s | 0 → %,d | %,d | %,d | %,.0f | %,.0f | %.2f |", database, m, batch, m, rate, plain,
                    rate / plain));
        }
    }

    /** Writes the first {@code m} synthetic records of a history of {@code n} in writes of {@code batch}; records per second. */
    private static double ingest(ChangeRecordStore store, int n, int m, int batch) {
        long t0 = System.nanoTime();
        SplittableRandom random = new SplittableRandom(42);
        List<ChangeRecord> records = new ArrayList<>(batch);
        long span = Duration.ofDays(365).toMillis();
        for (int i = 0; i < m; i++) {
            records.add(synthetic(i, n, START, span, random));
            if (records.size() == batch) {
                store.saveAll(records);
                records.clear();
            }
        }
        if (!records.isEmpty()) {
            store.saveAll(records);
        }
        return m / ((System.nanoTime() - t0) / 1e9);
    }

    private static String run(String database, int n, int rounds, Postgres postgres) throws Exception {
        Path dir = Files.createTempDirectory("riskgate-records-bench");
        ingestBatches(database, n, postgres, dir);
        String url;
        if (database.equals("h2")) {
            // H2 reuses the results of repeated identical queries over unchanged tables: off, so that every round computes
            url = h2(dir, "records") + ";OPTIMIZE_REUSE_RESULTS=FALSE";
        } else {
            url = postgres.freshDatabase();
        }
        System.out.printf(Locale.ROOT, "%n== %s, %,d records ==%n", database, n);
        String plainUrl = database.equals("h2") ? h2(dir, "plain")
                : postgres.freshDatabase();
        // -Dbench.plainIngest=false leaves the baseline ingest out (it doubles the loading time)
        double plainIngest = Boolean.parseBoolean(System.getProperty("bench.plainIngest", "true")) ? plainIngest(plainUrl, n, n, 10_000)
                : Double.NaN;
        System.out.printf(Locale.ROOT, "baseline ingest: plain INSERTs of the same records into the table without aggregates"
                + " (%s): %,.0f records/s%n", PLAIN_NAME, plainIngest);
        try (JdbcChangeRecordStore store = JdbcChangeRecordStore.connect(url, null, null)) {
            // -Dbench.dropIndexes=a,b: the store without these indexes of its records (what each costs the ingest)
            for (String index : System.getProperty("bench.dropIndexes", "").split(",")) {
                if (!index.isBlank()) {
                    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                        s.execute("DROP INDEX " + index.strip());
                    }
                }
            }
            double rate = ingest(store, n, n, 10_000);
            double ingest = n / rate;
            System.out.printf(Locale.ROOT, "ingest: %,d records in %.1f s = %,.0f records/s (transactions of 10,000, aggregates maintained)%n",
                    n, ingest, n / ingest);
            INGEST_ROWS.add(String.format(Locale.ROOT, "| %s | 0 → %,d | %,d | %,d | %,.0f | %,.0f | %.2f |", database, n, 10_000, n, rate,
                    plainIngest, rate / plainIngest));
            if (database.equals("postgresql")) {
                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                    s.execute("VACUUM ANALYZE");
                }
            }

            List<Double> plain = new ArrayList<>();
            List<Double> dora = new ArrayList<>();
            List<Double> dashboard = new ArrayList<>();
            List<Double> dashboardWindow = new ArrayList<>();
            List<Double> cli = new ArrayList<>();
            double[] plainValues = null;
            DoraMetrics d = null;
            String[] report = {"report", "--store", url, "--format", "json"};
            try (Connection c = DriverManager.getConnection(url)) {
                for (int r = 0; r < rounds + 1; r++) {
                    long a = System.nanoTime();
                    plainValues = plain(c);
                    double plainMs = ms(a);
                    a = System.nanoTime();
                    d = store.dora(RecordQuery.ALL);
                    double doraMs = ms(a);
                    a = System.nanoTime();
                    dashboard(store, RecordQuery.ALL);
                    double dashboardMs = ms(a);
                    a = System.nanoTime();
                    dashboard(store, WINDOW);
                    double windowMs = ms(a);
                    a = System.nanoTime();
                    StringWriter out = new StringWriter();
                    int exit = RiskGate.run(report, new PrintWriter(out), new PrintWriter(System.err, true));
                    double cliMs = ms(a);
                    if (exit != 0 || !out.toString().contains("\"deployments\" : " + n)) {
                        throw new IllegalStateException("riskgate report failed (exit " + exit + "): " + out);
                    }
                    if (r > 0) {          // the first round warms up
                        plain.add(plainMs);
                        dora.add(doraMs);
                        dashboard.add(dashboardMs);
                        dashboardWindow.add(windowMs);
                        cli.add(cliMs);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "dora: deployments %d, CFR %.4f, lead median %.0f s, p90 %.0f s, restore median %.0f s%n",
                    d.deployments(), d.changeFailureRate(), d.leadTimeMedian(), d.leadTimeP90(), d.timeToRestoreMedian());
            System.out.printf(Locale.ROOT, "plain SQL: deployments %.0f, lead median %.0f s, p90 %.0f s, restore median %.0f s; the store's"
                            + " percentiles differ by %.3f%%, %.3f%%, %.3f%% (bound %.2f%%)%n", plainValues[0], plainValues[2] / 1000,
                    plainValues[3] / 1000, plainValues[4] / 1000, relative(d.leadTimeMedian(), plainValues[2] / 1000),
                    relative(d.leadTimeP90(), plainValues[3] / 1000), relative(d.timeToRestoreMedian(), plainValues[4] / 1000), 0.95);
            if (plainValues[0] != d.deployments() || plainValues[1] != d.successful()) {
                throw new IllegalStateException("the store's counts differ from the plain SQL's");
            }
            double p = median(plain);
            double worst = Math.max(median(dashboard), median(cli));
            store.close();   // the probe's JVM opens the embedded file itself
            String memory = probe(url);
            return String.format(Locale.ROOT, "| %s | %,d | %,.0f (plain INSERTs: %,.0f) | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %.3f | %s |",
                    database, n, n / ingest, plainIngest, p, median(dora), median(dashboard), median(dashboardWindow), median(cli), worst / p,
                    memory);
        } finally {
            SyntheticChange.delete(dir);
        }
    }

    /**
     * What each secondary index of the records' table costs H2's ingest: plain batched INSERTs of
     * {@code n} records (transactions of 10,000) into the table of schema V1-V3 with all its indexes,
     * then with fewer (dropped in reverse name order), down to the primary key alone; {@code rounds}
     * rounds in turn after one to warm up, medians.
     */
    private static void indexCost(int n, int rounds) throws Exception {
        Path dir = Files.createTempDirectory("riskgate-index-cost");
        int[] all = {0};
        java.util.Map<Integer, List<Double>> rates = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        try {
            System.out.printf(Locale.ROOT, "warm-up: %,.0f records/s%n",
                    plainIngest(h2(dir, "warm-up"), n, n, 10_000, Integer.MAX_VALUE, all));
            for (int r = 1; r <= rounds; r++) {
                for (int keep = all[0]; keep >= 0; keep--) {
                    double rate = plainIngest(h2(dir, "r" + r + "k" + keep), n, n, 10_000, keep, new int[1]);
                    rates.computeIfAbsent(keep, k -> new ArrayList<>()).add(rate);
                    System.out.printf(Locale.ROOT, "round %d, %d secondary indexes: %,.0f records/s%n", r, keep, rate);
                }
            }
        } finally {
            SyntheticChange.delete(dir);
        }
        System.out.println();
        System.out.println("| secondary indexes on change_record (of " + all[0] + ") | plain batched INSERTs, records/s (median) |");
        System.out.println("| ---: | ---: |");
        rates.forEach((k, v) -> System.out.printf(Locale.ROOT, "| %d | %,.0f |%n", k, median(v)));
    }

    /**
     * The schema of the plain-INSERT baseline: the records table before the aggregates (V1-V3), or with
     * {@code -Dbench.plainSchema=latest} the store's table as it is now (V1-V7: its indexes and columns,
     * the aggregate tables left empty), so that the difference to the store's ingest is the aggregates' work alone.
     */
    static final List<String> PLAIN_SCRIPTS = System.getProperty("bench.plainSchema", "V3").equals("latest")
            ? List.of("V1__change_records.sql", "V2__restore_order_index.sql", "V3__history_measures.sql", "V4__aggregates.sql",
                    "V5__incidents_and_reviews.sql", "V6__verification.sql", "V7__restore_index_dropped.sql")
            : List.of("V1__change_records.sql", "V2__restore_order_index.sql", "V3__history_measures.sql");

    /** How the baseline's table is named in the output. */
    static final String PLAIN_NAME = PLAIN_SCRIPTS.size() == 3 ? "schema V1-V3, its indexes" : "the store's schema V1-V" + PLAIN_SCRIPTS.size() + ", its indexes, no aggregates kept";

    /**
     * The baseline for ingest: the first {@code m} records of a history of {@code n} as plain batched
     * INSERTs (transactions of {@code batch}) into the change_record table of schema V1-V3 with its
     * indexes and no aggregates; records per second.
     */
    private static double plainIngest(String url, int n, int m, int batch) throws Exception {
        return plainIngest(url, n, m, batch, Integer.MAX_VALUE, new int[1]);
    }

    /** As above, keeping only the first {@code keep} secondary indexes (in name order); {@code kept[0]} says how many were kept. */
    private static double plainIngest(String url, int n, int m, int batch, int keep, int[] kept) throws Exception {
        String columns = "id, pipeline, environment, commit_sha, commit_time, started_at, finished_at, outcome, risk_score, risk_level,"
                + " risk_model, started_by, build_url, runbook_url, pir_url, rollback_command, rollback_exercised_at, tests_total, tests_failed,"
                + " approvals, recorded_at";
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                for (String script : PLAIN_SCRIPTS) {
                    try (var in = JdbcChangeRecordStore.class.getResourceAsStream("migrations/" + script)) {
                        for (String sql : new String(in.readAllBytes(), StandardCharsets.UTF_8).split(";")) {
                            String statement = sql.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + "\n" + b).strip();
                            if (!statement.isEmpty()) {
                                s.execute(statement);
                            }
                        }
                    }
                }
            }
            List<String> indexes = new ArrayList<>();
            try (Statement s = c.createStatement();
                 var rs = s.executeQuery(url.startsWith("jdbc:postgresql:")
                         ? "SELECT indexname FROM pg_indexes WHERE tablename = 'change_record' AND indexname <> 'change_record_pkey'"
                                 + " ORDER BY indexname COLLATE \"C\""
                         : "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'CHANGE_RECORD'"
                                 + " AND INDEX_TYPE_NAME <> 'PRIMARY KEY' ORDER BY INDEX_NAME")) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
            }
            kept[0] = Math.min(keep, indexes.size());
            try (Statement s = c.createStatement()) {
                for (String index : indexes.subList(kept[0], indexes.size())) {
                    s.execute("DROP INDEX " + index);
                }
            }
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            SplittableRandom random = new SplittableRandom(42);
            long span = Duration.ofDays(365).toMillis();
            try (var p = c.prepareStatement("INSERT INTO change_record (" + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < m; i++) {
                    ChangeRecord r = synthetic(i, n, START, span, random);
                    p.setString(1, r.id());
                    p.setString(2, r.pipeline());
                    p.setString(3, r.environment());
                    p.setString(4, r.commit());
                    p.setLong(5, r.commitTime().toEpochMilli());
                    p.setLong(6, r.startedAt().toEpochMilli());
                    p.setLong(7, r.finishedAt().toEpochMilli());
                    p.setString(8, r.outcome().name());
                    p.setInt(9, r.riskScore());
                    p.setString(10, r.riskLevel());
                    p.setString(11, r.riskModel());
                    p.setString(12, r.startedBy());
                    p.setString(13, r.buildUrl());
                    p.setString(14, r.runbookUrl());
                    p.setString(15, r.pirUrl());
                    p.setString(16, r.rollbackCommand());
                    p.setNull(17, java.sql.Types.BIGINT);
                    p.setInt(18, r.testsTotal());
                    p.setInt(19, r.testsFailed());
                    p.setString(20, r.approvals());
                    p.setLong(21, System.currentTimeMillis());
                    p.addBatch();
                    if ((i + 1) % batch == 0 || i == m - 1) {
                        p.executeBatch();
                        c.commit();
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE change_record");
            }
            c.commit();
            return m / seconds;
        }
    }

    /** What the Jenkins dashboard asks of the store for one page: the delivery report, the newest 20 changes and their count. */
    private static void dashboard(ChangeRecordStore store, RecordQuery query) {
        DeliveryReport report = DeliveryReport.of(store, query, NOW, "production");
        store.page(query, 0, 20);
        store.count(query);
        if (report.readiness().isEmpty()) {
            throw new IllegalStateException("no readiness");
        }
    }

    private static double relative(Double ours, double exact) {
        return ours == null ? Double.NaN : 100 * Math.abs(ours - exact) / Math.abs(exact);
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    /** The full report in a JVM with a 64 MiB heap: its time and peak heap, or why it failed. */
    private static String probe(String url) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp",
                Path.of(RecordsBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                ReportProbe.class.getName(), url);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = p.waitFor();
        System.out.printf(Locale.ROOT, "full delivery report with -Xmx64m: %s (exit %d)%n", output, exit);
        return exit == 0 ? output.substring(output.lastIndexOf("peak heap ") + "peak heap ".length()) : "failed (exit " + exit + ")";
    }

    /** Computes the full delivery report of the store at args[0] and prints its size, time and the heap's peak use. */
    public static final class ReportProbe {
        public static void main(String[] args) {
            try (JdbcChangeRecordStore store = JdbcChangeRecordStore.connect(args[0], null, null)) {
                System.gc();
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    pool.resetPeakUsage();
                }
                long a = System.nanoTime();
                DeliveryReport report = DeliveryReport.of(store, RecordQuery.ALL, NOW, "production");
                double seconds = (System.nanoTime() - a) / 1e9;
                long peak = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP) {
                        peak += pool.getPeakUsage().getUsed();
                    }
                }
                System.out.printf(Locale.ROOT, "%,d deployments, %d weeks, %d pipelines, AUC %.3f in %.2f s, peak heap %.1f MiB",
                        report.dora().deployments(), report.weekly().size(), report.readiness().size(), report.auc(), seconds,
                        peak / 1048576.0);
            }
        }
    }

    /** -Dbench.h2Settings=;A=B;C=D: settings added to the URL of every H2 database of the harness (what a setting does to it). */
    private static final String H2_EXTRA = System.getProperty("bench.h2Settings", "");

    /** The URL of the harness's H2 database {@code name} in {@code dir}, with {@link #H2_EXTRA}. */
    private static String h2(Path dir, String name) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve(name) + ";LOCK_TIMEOUT=10000" + H2_EXTRA;
    }

    /** -Dbench.uuidIds=true: random record ids, as the plugin gives its records, instead of ids in almost the order of writing. */
    private static final boolean UUID_IDS = Boolean.getBoolean("bench.uuidIds");

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
        String id = UUID_IDS ? new java.util.UUID(random.nextLong(), random.nextLong()).toString() : "r" + i;
        return new ChangeRecord(id, "team-" + (i % 50), env, Long.toHexString(random.nextLong()), Instant.ofEpochMilli(finished - lead),
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

    /** A count from the command line: a whole number of at least 1 (the reports' medians need a round), else the usage and exit 2. */
    private static int atLeastOne(String text, String what) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        System.err.println("RecordsBenchmark: " + what + " must be a whole number of at least 1 (got '" + text + "'); usage:"
                + " RecordsBenchmark [records,records...] [rounds] [h2,postgresql] | index-cost [records] [rounds]");
        System.exit(2);
        return 0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    /** A throwaway PostgreSQL server from Debian's packages on a free loopback port, as .ci/postgres.sh starts one. */
    static final class Postgres {
        private final Path bin;
        private final Path dir;
        private final int port;
        private int databases;

        private Postgres(Path bin, Path dir, int port) {
            this.bin = bin;
            this.dir = dir;
            this.port = port;
        }

        static Postgres start() throws Exception {
            Path root = Path.of("/usr/lib/postgresql");
            if (!Files.isDirectory(root)) {
                return null;
            }
            List<Path> versions = new ArrayList<>();
            try (var s = Files.list(root)) {
                s.filter(p -> Files.isExecutable(p.resolve("bin/initdb"))).forEach(versions::add);
            }
            if (versions.isEmpty()) {
                return null;
            }
            versions.sort((a, b) -> Integer.compare(version(a), version(b)));
            Path bin = versions.get(versions.size() - 1).resolve("bin");
            Path dir = Files.createTempDirectory("riskgate-bench-pg");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Postgres pg = new Postgres(bin, dir, port);
            if (root()) {
                run(List.of("chown", "postgres", dir.toString()));
            }
            pg.asPostgres(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres");
            pg.asPostgres(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-o",
                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "-l", dir.resolve("log").toString(), "-w", "start");
            System.out.println("PostgreSQL " + versions.get(versions.size() - 1).getFileName() + " started on 127.0.0.1:" + port);
            return pg;
        }

        private static int version(Path p) {
            try {
                return Integer.parseInt(p.getFileName().toString());
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        String freshDatabase() throws Exception {
            String name = "bench" + databases++;
            asPostgres(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "postgres", name);
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=postgres";
        }

        void stop() {
            try {
                asPostgres(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "stop");
            } catch (Exception e) {
                System.err.println("could not stop PostgreSQL: " + e.getMessage());
            }
            SyntheticChange.delete(dir);
        }

        private void asPostgres(String... command) throws Exception {
            List<String> c = new ArrayList<>();
            if (root()) {
                c.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            c.addAll(List.of(command));
            run(c);
        }

        private static boolean root() {
            return "root".equals(System.getProperty("user.name"));
        }

        private static void run(List<String> command) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.strip());
            }
        }
    }
}
