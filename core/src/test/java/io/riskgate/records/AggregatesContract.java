package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.report.DeliveryReport;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/**
 * The aggregates kept on write equal a recomputation from the records, on random histories of
 * imports (batches of up to a few hundred), single writes and re-imports of the same ids with other
 * outcomes, times, pipelines and environments, in later writes and within one write (where the
 * later version of an id is the one stored); and the reports read from them agree with the reports read from the
 * records. Run against embedded H2 and, where a server is available, PostgreSQL.
 */
abstract class AggregatesContract {
    static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");

    /** A new empty store. */
    abstract JdbcChangeRecordStore open();

    /** The store {@link #open()} opened last, opened again (its schema migrated again where needed). */
    abstract JdbcChangeRecordStore reopen();

    /** A JDBC URL and its user and password props for direct SQL on the store. */
    abstract String url();

    private static ChangeRecord random(Random random, String id) {
        String pipeline = "p" + random.nextInt(3);
        String environment = random.nextInt(4) == 0 ? "Production" : random.nextBoolean() ? "production" : "staging";
        // finish times on few distinct minutes of ten days, so that records share finish times and days have many records
        Instant finished = T0.plus(Duration.ofMinutes(random.nextInt(10 * 24 * 6) * 10L)).plusMillis(random.nextInt(3) * 500L);
        Outcome outcome = Outcome.values()[random.nextInt(3)];
        Instant committed = random.nextInt(5) == 0 ? null : finished.minusSeconds(random.nextInt(200_000) - (random.nextInt(20) == 0 ? 100 : 0));
        Integer score = random.nextInt(6) == 0 ? null : random.nextInt(101);
        String level = switch (random.nextInt(6)) {
            case 0 -> null;
            case 1 -> "ODD";
            case 2 -> "LOW";
            case 3 -> "MEDIUM";
            case 4 -> "HIGH";
            default -> "CRITICAL";
        };
        String approvals = switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> "  ";
            default -> "alice APPROVED";
        };
        Instant exercised = random.nextInt(4) == 0 ? finished.minus(Duration.ofDays(random.nextInt(200))) : null;
        return new ChangeRecord(id, pipeline, environment, "c" + random.nextInt(1000), committed, finished.minusSeconds(60), finished,
                outcome, score, level, null, null, null, random.nextBoolean() ? "https://runbooks/x" : null,
                random.nextBoolean() ? "https://pir/1" : null, random.nextBoolean() ? "./rollback" : null, exercised,
                random.nextBoolean() ? 10 : null, 0, approvals, ChangeRecord.Metrics.NONE);
    }

    @Test
    void aggregatesEqualARecomputationOnRandomHistories() {
        for (long seed = 1; seed <= 4; seed++) {
            Random random = new Random(seed);
            Map<String, ChangeRecord> model = new LinkedHashMap<>();
            java.util.Set<String> linked = new java.util.HashSet<>();
            try (JdbcChangeRecordStore store = open()) {
                int next = 0;
                for (int step = 0; step < 24; step++) {
                    List<ChangeRecord> batch = new ArrayList<>();
                    // single records, imports of a few dozen, and now and then a larger one
                    int size = random.nextInt(4) == 0 ? 1 : random.nextInt(8) == 0 ? 100 + random.nextInt(300) : 1 + random.nextInt(60);
                    for (int i = 0; i < size; i++) {
                        boolean again = !model.isEmpty() && random.nextInt(3) == 0;
                        String id = again ? new ArrayList<>(model.keySet()).get(random.nextInt(model.size())) : "r" + next++;
                        ChangeRecord r = random(random, id);
                        if (again && random.nextBoolean()) {
                            // the same record with only its outcome changed
                            ChangeRecord old = model.get(id);
                            r = new ChangeRecord(id, old.pipeline(), old.environment(), old.commit(), old.commitTime(), old.startedAt(),
                                    old.finishedAt(), Outcome.values()[(old.outcome().ordinal() + 1) % 3], old.riskScore(), old.riskLevel(),
                                    null, null, null, old.runbookUrl(), old.pirUrl(), old.rollbackCommand(), old.rollbackExercisedAt(),
                                    old.testsTotal(), 0, old.approvals(), ChangeRecord.Metrics.NONE);
                        }
                        if (random.nextInt(4) != 0) {
                            batch.removeIf(b -> b.id().equals(id));
                        }
                        // else the same id twice in one write: the later version is the one stored
                        batch.add(r);
                    }
                    if (random.nextBoolean()) {
                        store.saveAll(batch);
                    } else {
                        batch.forEach(store::save);
                    }
                    batch.forEach(r -> model.put(r.id(), r));
                    incidentsAndReviews(store, model, linked, random);
                    if (step % 6 == 5) {
                        check(store, model, random);
                    }
                }
                check(store, model, random);
                store.rebuild(done -> { });
                assertThat(store.dayRows()).as("a rebuild changes nothing in a consistent store").isEqualTo(Recomputed.dayRows(model.values()));
            }
        }
    }

    /**
     * Sometimes opens incidents linked to random records and adds reviews to random failed or
     * incident-linked ones (whose records then carry the review's URL, until a later write of the
     * same id replaces it): the reports must count them as main's definitions do.
     */
    private static void incidentsAndReviews(JdbcChangeRecordStore store, Map<String, ChangeRecord> model, java.util.Set<String> linked,
                                            Random random) {
        if (random.nextInt(3) != 0) {
            return;
        }
        List<String> ids = new ArrayList<>(model.keySet());
        for (int k = random.nextInt(4); k > 0; k--) {
            String id = ids.get(random.nextInt(ids.size()));
            store.incidents().open(new IncidentReport("i" + linked.size() + "-" + random.nextInt(1_000_000), "test", "down", null, null,
                    null, model.get(id).finishedAt().plusSeconds(60), null, id, null));
            linked.add(id);
        }
        List<String> reviewable = ids.stream().filter(id -> model.get(id).outcome().failure() || linked.contains(id)).toList();
        for (int k = random.nextInt(4); k > 0 && !reviewable.isEmpty(); k--) {
            String id = reviewable.get(random.nextInt(reviewable.size()));
            String url = "https://pir/review-" + random.nextInt(1000);
            store.incidents().review(new Review(id, url, "alice", model.get(id).finishedAt().plusSeconds(3600), null));
            ChangeRecord r = model.get(id);
            model.put(id, new ChangeRecord(r.id(), r.pipeline(), r.environment(), r.commit(), r.commitTime(), r.startedAt(), r.finishedAt(),
                    r.outcome(), r.riskScore(), r.riskLevel(), r.riskModel(), r.startedBy(), r.buildUrl(), r.runbookUrl(), url,
                    r.rollbackCommand(), r.rollbackExercisedAt(), r.testsTotal(), r.testsFailed(), r.approvals(), r.metrics()));
        }
    }

    private static void check(JdbcChangeRecordStore store, Map<String, ChangeRecord> model, Random random) {
        Map<String, Long> restore = Recomputed.restoreTimes(model.values());
        assertThat(store.restoreTimes()).as("restore times").isEqualTo(restore);
        assertThat(Recomputed.differences(Recomputed.dayRows(model.values()), store.dayRows())).as("day rows that differ").isEmpty();
        for (int q = 0; q < 6; q++) {
            Instant since = random.nextBoolean() ? null : T0.plus(Duration.ofMinutes(random.nextInt(6 * 24 * 60)));
            Instant until = random.nextBoolean() ? null
                    : (since == null ? T0 : since).plus(Duration.ofMinutes(1 + random.nextInt(6 * 24 * 60)));
            String env = random.nextInt(3) == 0 ? "production" : null;
            String pipeline = random.nextInt(3) == 0 ? "p1" : null;
            List<String> visible = random.nextInt(4) == 0 ? List.of("p0", "p2") : null;
            RecordQuery query = new RecordQuery(env, pipeline, since, until).withPipelines(visible);
            long expected = model.values().stream().filter(r -> (env == null || r.environment().equals(env))
                    && (visible == null || visible.contains(r.pipeline()))
                    && (pipeline == null || r.pipeline().equals(pipeline)) && (since == null || !r.finishedAt().isBefore(since))
                    && (until == null || r.finishedAt().isBefore(until))).count();
            store.exactLimit(Long.MAX_VALUE);
            DoraMetrics exact = store.dora(query);
            List<TrendPoint> exactWeeks = store.trend(query, Duration.ofDays(1));
            store.exactLimit(0);
            DoraMetrics fast = store.dora(query);
            List<TrendPoint> fastWeeks = store.trend(query, Duration.ofDays(1));
            assertThat(store.count(query)).isEqualTo(expected);
            int offset = random.nextInt(5);
            List<String> newest = model.values().stream().filter(r -> (env == null || r.environment().equals(env))
                    && (visible == null || visible.contains(r.pipeline())) && (pipeline == null || r.pipeline().equals(pipeline))
                    && (since == null || !r.finishedAt().isBefore(since)) && (until == null || r.finishedAt().isBefore(until)))
                    .sorted(java.util.Comparator.comparing(ChangeRecord::finishedAt).reversed().thenComparing(ChangeRecord::id))
                    .skip(offset).limit(7).map(ChangeRecord::id).toList();
            assertThat(store.page(query, offset, 7)).extracting(ChangeRecord::id).as("a page, newest first").isEqualTo(newest);
            assertThat(fast.deployments()).isEqualTo(expected).isEqualTo(exact.deployments());
            assertThat(fast.successful()).isEqualTo(exact.successful());
            assertThat(fast.since()).isEqualTo(exact.since());
            assertThat(fast.until()).isEqualTo(exact.until());
            assertThat(fast.deploymentFrequency()).isEqualTo(exact.deploymentFrequency());
            assertThat(fast.changeFailureRate()).isEqualTo(exact.changeFailureRate());
            within(fast.leadTimeMedian(), exact.leadTimeMedian(), "lead time median");
            within(fast.leadTimeP90(), exact.leadTimeP90(), "lead time p90");
            within(fast.timeToRestoreMedian(), exact.timeToRestoreMedian(), "time to restore");
            assertThat(fastWeeks).hasSameSizeAs(exactWeeks);
            for (int i = 0; i < exactWeeks.size(); i++) {
                assertThat(fastWeeks.get(i).start()).isEqualTo(exactWeeks.get(i).start());
                assertThat(fastWeeks.get(i).deployments()).isEqualTo(exactWeeks.get(i).deployments());
                assertThat(fastWeeks.get(i).failures()).isEqualTo(exactWeeks.get(i).failures());
                within(fastWeeks.get(i).leadTimeMedian(), exactWeeks.get(i).leadTimeMedian(), "daily lead time median");
            }
            Instant now = T0.plus(Duration.ofDays(random.nextInt(40)));
            DeliveryReport aggregated = DeliveryReport.of(store, query, now, "production");
            DeliveryReport streamed = DeliveryReport.streamed(store, query, now, "production");
            assertThat(aggregated.readiness()).as("readiness of %s at %s", query, now).isEqualTo(streamed.readiness());
            assertThat(aggregated.calibration()).isEqualTo(streamed.calibration());
            assertThat(aggregated.auc()).isEqualTo(streamed.auc());
            assertThat(aggregated.unscored()).isEqualTo(streamed.unscored());
        }
        store.exactLimit(10_000);
    }

    /** A percentile from the histograms: within the documented relative error of the exact one. */
    private static void within(Double fast, Double exact, String what) {
        if (exact == null) {
            assertThat(fast).as(what).isNull();
        } else if (exact == 0) {
            assertThat(fast).as(what).isZero();
        } else {
            assertThat(fast).as(what).isNotNull();
            assertThat(Math.abs(fast - exact)).as(what + ": " + fast + " vs " + exact)
                    .isLessThanOrEqualTo(Math.abs(exact) * TimeHistogram.MAX_RELATIVE_ERROR + 1e-6);
        }
    }

    @Test
    void aRebuildRestoresLostAggregates() throws Exception {
        Random random = new Random(7);
        List<ChangeRecord> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            records.add(random(random, "x" + i));
        }
        try (JdbcChangeRecordStore store = open()) {
            store.saveAll(records);
            try (var c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
                s.execute("DELETE FROM change_record_period");
                s.execute("UPDATE change_record SET restored_at = NULL");
            }
            assertThat(store.dayRows()).isEmpty();
            List<Long> progress = new ArrayList<>();
            assertThat(store.rebuild(progress::add)).isEqualTo(300);
            assertThat(progress).isNotEmpty().isSorted().last().isEqualTo(300L);
            assertThat(store.dayRows()).isEqualTo(Recomputed.dayRows(records));
            assertThat(store.restoreTimes()).isEqualTo(Recomputed.restoreTimes(records));
        }
    }

    /**
     * A store that an earlier riskgate created at schema versions 1, 2, 3 and 5 (incidents and reviews,
     * without the aggregates of version 4): opened again, version 4 is applied after 5, the aggregates
     * are filled from its records, and the reports agree with the ones read from the records.
     */
    @Test
    void version4IsAppliedToAStoreAtTheOtherVersions() throws Exception {
        Random random = new Random(11);
        Map<String, ChangeRecord> model = new LinkedHashMap<>();
        java.util.Set<String> linked = new java.util.HashSet<>();
        try (JdbcChangeRecordStore store = open()) {
            List<ChangeRecord> records = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                records.add(random(random, "m" + i));
            }
            store.saveAll(records);
            records.forEach(r -> model.put(r.id(), r));
            for (int i = 0; i < 100 && linked.size() < 8; i++) {
                incidentsAndReviews(store, model, linked, random);
            }
        }
        try (var c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            // what a store of versions 1..3, 5 and 6 has: no aggregates' tables, index and column, no row of version 4;
            // the index of version 1 that version 7 drops, no row of version 7
            s.execute("DROP TABLE change_record_period");
            s.execute("DROP TABLE change_record_cell");
            s.execute("DROP INDEX change_record_exercised");
            s.execute("ALTER TABLE change_record DROP COLUMN restored_at");
            s.execute("CREATE INDEX change_record_restore ON change_record (pipeline, environment, outcome, finished_at)");
            s.execute("DELETE FROM riskgate_schema WHERE version IN (4, 7)");
            try (var rs = s.executeQuery("SELECT COUNT(*) FROM incident")) {
                rs.next();
                assertThat(rs.getInt(1)).as("incidents kept by version 5").isPositive();
            }
        }
        try (JdbcChangeRecordStore store = reopen()) {
            List<Integer> versions = new ArrayList<>();
            try (var c = DriverManager.getConnection(url()); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT version FROM riskgate_schema ORDER BY applied_at, version")) {
                while (rs.next()) {
                    versions.add(rs.getInt(1));
                }
            }
            assertThat(versions).as("versions in the order applied").containsExactly(1, 2, 3, 5, 6, 4, 7);
            assertThat(store.restoreTimes()).isEqualTo(Recomputed.restoreTimes(model.values()));
            assertThat(Recomputed.differences(Recomputed.dayRows(model.values()), store.dayRows())).as("day rows that differ").isEmpty();
            assertThat(store.incidents().linkedDeployments(new RecordQuery(null, null, null, null))).isEqualTo(linked);
            Instant now = T0.plus(Duration.ofDays(12));
            RecordQuery all = new RecordQuery(null, null, null, null);
            DeliveryReport aggregated = DeliveryReport.of(store, all, now, "production");
            DeliveryReport streamed = DeliveryReport.streamed(store, all, now, "production");
            assertThat(aggregated.readiness()).isEqualTo(streamed.readiness());
            assertThat(aggregated.calibration()).isEqualTo(streamed.calibration());
            assertThat(aggregated.auc()).isEqualTo(streamed.auc());
            ChangeRecord extra = random(random, "after");
            store.save(extra);
            model.put(extra.id(), extra);
            assertThat(Recomputed.differences(Recomputed.dayRows(model.values()), store.dayRows())).as("after a write").isEmpty();
            for (int i = 0; i < 20; i++) {
                incidentsAndReviews(store, model, linked, random);
            }
            assertThat(Recomputed.differences(Recomputed.dayRows(model.values()), store.dayRows())).as("after reviews").isEmpty();
            assertThat(DeliveryReport.of(store, all, now, "production").readiness())
                    .isEqualTo(DeliveryReport.streamed(store, all, now, "production").readiness());
        }
    }

    @Test
    void theHistogramsStayWithinTheirBound() {
        Random random = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            long v = random.nextInt(4) == 0 ? random.nextInt(1000) : (long) Math.exp(random.nextDouble() * 40);
            if (random.nextBoolean()) {
                v = -v;
            }
            double back = TimeHistogram.value(TimeHistogram.bucket(v));
            assertThat(back).isCloseTo((double) v, Percentage.withPercentage(100 * TimeHistogram.MAX_RELATIVE_ERROR + 1e-9));
        }
        TimeHistogram h = new TimeHistogram();
        h.add(5, 3);
        h.add(-7_000, 1);
        h.add(86_400_000, 2);
        assertThat(TimeHistogram.decode(h.encode())).isEqualTo(h);
        h.add(5, -3);
        assertThat(TimeHistogram.decode(h.encode()).total()).isEqualTo(3);
    }
}
