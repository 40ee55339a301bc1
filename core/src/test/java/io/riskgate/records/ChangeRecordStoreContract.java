package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskgate.records.DoraMetrics;
import io.riskgate.records.TrendPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every record store must do; run against embedded H2 and, where a server is available, PostgreSQL. */
abstract class ChangeRecordStoreContract {
    static final Instant DAY1 = Instant.parse("2026-11-02T00:00:00Z");
    static final Instant DAY2 = DAY1.plus(Duration.ofDays(1));

    ChangeRecordStore store;

    abstract ChangeRecordStore open();

    @BeforeEach
    void openStore() {
        store = open();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static Instant at(Instant day, int hour, int minute) {
        return day.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
    }

    static ChangeRecord deploy(String env, String commit, Instant committed, Instant finished, Outcome outcome, Integer score, String level) {
        return ChangeRecord.of("shop", env, commit, committed, finished.minus(Duration.ofMinutes(10)), finished, outcome, score, level);
    }

    /**
     * production: 6 deployments (3 failures), lead times 4200, 5400, 7200 s, restores after 3600, 10800, 3600 s;
     * staging: 1 success with lead time 600 s.
     */
    static List<ChangeRecord> history() {
        List<ChangeRecord> r = new ArrayList<>();
        r.add(deploy("production", "c1", at(DAY1, 10, 0), at(DAY1, 11, 10), Outcome.SUCCEEDED, 10, "LOW"));
        r.add(deploy("production", "c2", at(DAY1, 12, 0), at(DAY1, 13, 0), Outcome.FAILED, 60, "HIGH"));
        r.add(deploy("production", "c3", at(DAY1, 12, 30), at(DAY1, 14, 0), Outcome.SUCCEEDED, 30, "MEDIUM"));
        r.add(deploy("production", "c4", at(DAY2, 9, 0), at(DAY2, 10, 0), Outcome.ROLLED_BACK, 80, "CRITICAL"));
        r.add(deploy("production", "c5", at(DAY2, 11, 0), at(DAY2, 12, 0), Outcome.FAILED, 20, "LOW"));
        r.add(deploy("production", "c6", at(DAY2, 11, 0), at(DAY2, 13, 0), Outcome.SUCCEEDED, 40, "MEDIUM"));
        r.add(deploy("staging", "c1", at(DAY1, 10, 0), at(DAY1, 10, 10), Outcome.SUCCEEDED, 10, "LOW"));
        return r;
    }

    @Test
    void theEnvironmentsOfAWindowAreReadFromTheDaysItCovers() {
        List<ChangeRecord> records = new ArrayList<>(history());
        records.add(ChangeRecord.of("team-b/billing", "qa", "b1", at(DAY1, 1, 0), at(DAY1, 1, 50), at(DAY1, 2, 0), Outcome.SUCCEEDED, 5,
                "LOW"));
        Instant old = DAY1.minus(Duration.ofDays(40));
        records.add(deploy("sandbox", "s1", old, old.plus(Duration.ofHours(1)), Outcome.SUCCEEDED, 5, "LOW"));
        store.saveAll(records);
        assertThat(store.environments(RecordQuery.ALL, 100)).containsExactly("production", "qa", "sandbox", "staging");
        assertThat(store.environments(new RecordQuery(null, null, DAY1, null), 100))
                .as("a deployment 40 days before the window is not in it").containsExactly("production", "qa", "staging");
        assertThat(store.environments(new RecordQuery(null, null, DAY2, null), 100)).as("only production deployed on the second day")
                .containsExactly("production");
        assertThat(store.environments(new RecordQuery(null, null, DAY1, null).withPipelines(List.of("shop")), 100))
                .as("only the visible pipelines' environments").containsExactly("production", "staging");
        assertThat(store.environments(new RecordQuery(null, null, DAY1, null).withPipelines(List.of()), 100)).isEmpty();
        assertThat(store.environments(new RecordQuery(null, "team-b/billing", null, null), 100)).containsExactly("qa");
        assertThat(store.environments(RecordQuery.ALL, 2)).as("at most the limit, in name order").containsExactly("production", "qa");
        assertThat(store.environments(new RecordQuery(null, null, old, DAY1), 100)).as("the window ends where DAY1 begins")
                .containsExactly("sandbox");
        assertThat(store.environments(new RecordQuery(null, null, at(DAY1, 12, 0), DAY2), 100))
                .as("an environment deploying in the window is never missed").contains("production");
    }

    @Test
    void theVerificationAfterADeploymentIsKeptAndAbsentWhereNoneRan() {
        ChangeRecord verified = deploy("production", "v1", at(DAY1, 9, 0), at(DAY1, 10, 0), Outcome.ROLLED_BACK, 20, "LOW")
                .withVerification(new ChangeRecord.Verification("FAILED", 95L));
        ChangeRecord plain = deploy("production", "v2", at(DAY1, 9, 0), at(DAY1, 11, 0), Outcome.SUCCEEDED, 20, "LOW");
        store.saveAll(List.of(verified, plain));
        assertThat(store.find(verified.id()).orElseThrow().verification()).isEqualTo(new ChangeRecord.Verification("FAILED", 95L));
        assertThat(store.find(plain.id()).orElseThrow().verification()).isEqualTo(ChangeRecord.Verification.NONE);
        assertThat(store.write(List.of(verified.withVerification(new ChangeRecord.Verification("FAILED", 95L)))).unchanged()).isEqualTo(1);
        assertThat(store.write(List.of(verified.withVerification(new ChangeRecord.Verification("PASSED", 95L)))).replaced())
                .as("a changed verification replaces the stored record").isEqualTo(1);
        assertThat(ChangeRecordJson.toMap(store.find(verified.id()).orElseThrow()).get("verification"))
                .isEqualTo(java.util.Map.of("outcome", "PASSED", "seconds", 95L));
        assertThat(ChangeRecordJson.toMap(plain)).doesNotContainKey("verification");
        java.io.StringWriter csv = new java.io.StringWriter();
        ChangeRecordCsv.write(List.of(store.find(verified.id()).orElseThrow(), plain), csv);
        List<ChangeRecord> back = new ArrayList<>();
        ChangeRecordCsv.read(new java.io.StringReader(csv.toString()), "spool.csv", back::add);
        assertThat(back).extracting(ChangeRecord::verification)
                .containsExactly(new ChangeRecord.Verification("PASSED", 95L), ChangeRecord.Verification.NONE);
        assertThatThrownBy(() -> new ChangeRecord.Verification("MAYBE", 1L)).hasMessageContaining("PASSED, FAILED or ABORTED");
    }

    @Test
    void weeklyTrendsStartOnMonday() {
        store.saveAll(history());   // 2026-11-02 is a Monday
        List<TrendPoint> weeks = store.trend(RecordQuery.ALL, Duration.ofDays(7));
        assertThat(weeks).singleElement().satisfies(w -> {
            assertThat(w.start()).isEqualTo(DAY1);
            assertThat(w.start().atZone(java.time.ZoneOffset.UTC).getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY);
            assertThat(w.deployments()).isEqualTo(7);
        });
        assertThat(store.trend(RecordQuery.ALL, Duration.ofDays(1))).extracting(TrendPoint::start).containsExactly(DAY1, DAY2);
    }

    @Test
    void aWindowAfterTheNewestRecordHoldsNoDeploymentsAndNoError() {
        store.saveAll(history());
        DoraMetrics later = store.dora(new RecordQuery(null, null, DAY2.plus(Duration.ofDays(10)), null));
        assertThat(later.deployments()).isZero();
        assertThat(later.deploymentFrequency()).isZero();
        assertThat(later.changeFailureRate()).isNull();
        assertThat(later.leadTimeMedian()).isNull();
        assertThat(later.since()).isEqualTo(later.until()).isEqualTo(DAY2.plus(Duration.ofDays(10)));
    }

    @Test
    void doraMetricsFollowTheDefinitions() {
        store.saveAll(history());
        DoraMetrics prod = store.dora(new RecordQuery("production", null, DAY1, DAY1.plus(Duration.ofDays(2))));
        assertThat(prod.deployments()).isEqualTo(6);
        assertThat(prod.successful()).isEqualTo(3);
        assertThat(prod.changeFailureRate()).isEqualTo(0.5);
        assertThat(prod.windowDays()).isEqualTo(2.0);
        assertThat(prod.deploymentFrequency()).isEqualTo(1.5);
        assertThat(prod.leadTimeMedian()).isEqualTo(5400.0);
        assertThat(prod.leadTimeP90()).as("nearest rank of 3 values: the 3rd").isEqualTo(7200.0);
        assertThat(prod.timeToRestoreMedian()).isEqualTo(3600.0);

        DoraMetrics all = store.dora(RecordQuery.ALL);
        assertThat(all.deployments()).isEqualTo(7);
        assertThat(all.leadTimeMedian()).as("even count: mean of the two middle values").isEqualTo((4200.0 + 5400.0) / 2);
        assertThat(all.leadTimeP90()).as("nearest rank of 4 values: the 4th").isEqualTo(7200.0);
        assertThat(all.since()).isEqualTo(at(DAY1, 10, 10));
        assertThat(all.until()).isEqualTo(at(DAY2, 13, 0));
    }

    @Test
    void theWindowIncludesSinceAndExcludesUntil() {
        store.saveAll(history());
        DoraMetrics day1 = store.dora(new RecordQuery("production", null, at(DAY1, 11, 10), at(DAY1, 14, 0)));
        assertThat(day1.deployments()).as("11:10 counts, 14:00 does not").isEqualTo(2);
        assertThat(day1.timeToRestoreMedian()).as("a failure in the window restored after it").isEqualTo(3600.0);
        assertThat(store.count(new RecordQuery(null, "shop", null, at(DAY1, 11, 10)))).isEqualTo(1);
    }

    @Test
    void anEmptySelectionHasNoRatesButNoErrors() {
        DoraMetrics none = store.dora(new RecordQuery("nowhere", null, null, null));
        assertThat(none.deployments()).isZero();
        assertThat(none.changeFailureRate()).isNull();
        assertThat(none.leadTimeMedian()).isNull();
        assertThat(none.timeToRestoreMedian()).isNull();
        assertThat(none.deploymentFrequency()).isZero();
    }

    @Test
    void writesAreIdempotentByIdAndRoundTripEveryField() {
        ChangeRecord full = new ChangeRecord(null, "shop", "production", "abc123", at(DAY1, 9, 0), at(DAY1, 10, 0), at(DAY1, 10, 5),
                Outcome.ROLLED_BACK, 62, "HIGH", "default", "alice", "https://ci/job/shop/7/", "https://runbooks/shop",
                "https://pir/42", "./deploy.sh --rollback", at(DAY1, 10, 5), 412, 0, "bob APPROVED 2026-11-02T09:58:00Z: ok",
                new ChangeRecord.Metrics(120, 30, 7, 4, 2, 0.75, 3, 2));
        store.save(full);
        store.save(full);
        store.saveAll(List.of(full, full));
        assertThat(store.count(RecordQuery.ALL)).isEqualTo(1);
        assertThat(store.find(full.id())).contains(full);
        assertThat(full.id()).isEqualTo(ChangeRecord.stableId("shop", "production", "abc123", at(DAY1, 10, 0)));
        ChangeRecord fixed = new ChangeRecord(full.id(), "shop", "production", "abc123", full.commitTime(), full.startedAt(),
                full.finishedAt(), Outcome.FAILED, 62, "HIGH", null, null, null, null, null, null, null, null, null, null, null);
        store.save(fixed);
        assertThat(store.find(full.id())).contains(fixed);
    }

    @Test
    void theHistoryMeasuresRoundTripAndOlderRecordsHaveNone() {
        ChangeRecord measured = new ChangeRecord(null, "shop", "production", "def456", null, at(DAY1, 11, 0), at(DAY1, 11, 5),
                Outcome.FAILED, 40, "MEDIUM", "default", null, null, null, null, null, null, null, null, null,
                new ChangeRecord.Metrics(12, 3, 2, 2, 1, 0.5, 1, 1, 3, 41.25, 17, 120.0, 88.5, 0.0, true));
        ChangeRecord older = new ChangeRecord(null, "shop", "production", "aaa111", null, at(DAY1, 9, 0), at(DAY1, 9, 5),
                Outcome.SUCCEEDED, 10, "LOW", "default", null, null, null, null, null, null, null, null, null,
                new ChangeRecord.Metrics(1, 0, 1, 1, 1, 0.0, 1, 1));
        store.saveAll(List.of(measured, older));
        assertThat(store.find(measured.id())).contains(measured);
        assertThat(store.find(older.id()).orElseThrow().metrics().fix()).isNull();
        assertThat(store.find(older.id()).orElseThrow().metrics().developers()).isNull();
        java.io.StringWriter csv = new java.io.StringWriter();
        ChangeRecordCsv.write(store.page(RecordQuery.ALL, 0, 10), csv);
        assertThat(csv.toString().lines().findFirst().orElseThrow())
                .endsWith(",approvals,developers,age,priorChanges,authorExperience,recentExperience,subsystemExperience,fix,incidents,"
                        + "verificationOutcome,verificationSeconds");
        List<ChangeRecord> back = new java.util.ArrayList<>();
        ChangeRecordCsv.read(new java.io.StringReader(csv.toString()), "export.csv", back::add);
        assertThat(back).containsExactlyInAnyOrder(measured, older);
    }

    @Test
    void aBatchIsWrittenWhollyOrNotAtAll() {
        ChangeRecord good = deploy("production", "ok", null, at(DAY1, 10, 0), Outcome.SUCCEEDED, 1, "LOW");
        ChangeRecord tooLong = ChangeRecord.of("p".repeat(600), "production", "x", null, at(DAY1, 9, 0), at(DAY1, 10, 0), Outcome.SUCCEEDED, 1, "LOW");
        assertThatThrownBy(() -> store.saveAll(List.of(good, tooLong)))
                .isInstanceOf(RecordStoreException.class)
                .hasMessageContaining("pipeline has 600 characters, more than the 512");
        assertThat(store.count(RecordQuery.ALL)).isZero();
    }

    @Test
    void p90IsTheNearestRankOnEveryDatabase() {
        // lead times of 1..n minutes: the nearest rank is the ceil(0.9 n)-th; H2's PERCENTILE_DISC gives the 141st of 157
        for (int n : new int[] {157, 10, 11, 1}) {
            List<ChangeRecord> records = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                Instant finished = at(DAY1, 0, 0).plus(Duration.ofHours(i));
                records.add(deploy("n" + n, "c" + i, finished.minus(Duration.ofMinutes(i)), finished, Outcome.SUCCEEDED, 10, "LOW"));
            }
            store.saveAll(records);
            long rank = (long) Math.ceil(0.9 * n);
            assertThat(store.dora(new RecordQuery("n" + n, null, null, null)).leadTimeP90()).as("p90 of %d values: the %dth", n, rank)
                    .isEqualTo(rank * 60.0);
        }
    }

    @Test
    void aWeekWithoutLeadTimesHasNoMedianLeadTime() {
        store.saveAll(List.of(deploy("production", "f1", at(DAY1, 9, 0), at(DAY1, 10, 0), Outcome.FAILED, 60, "HIGH"),
                deploy("production", "s1", null, at(DAY1, 11, 0), Outcome.SUCCEEDED, 10, "LOW"),
                deploy("production", "s2", at(DAY1.plus(Duration.ofDays(7)), 9, 0), at(DAY1.plus(Duration.ofDays(7)), 10, 0),
                        Outcome.SUCCEEDED, 10, "LOW")));
        List<TrendPoint> weeks = store.trend(RecordQuery.ALL, Duration.ofDays(7));
        assertThat(weeks).hasSize(2);
        assertThat(weeks.get(0).leadTimeMedian()).as("a failure and a success without commit time: no lead time").isNull();
        assertThat(weeks.get(1).leadTimeMedian()).isEqualTo(3600.0);
    }

    @Test
    void aWriteSaysWhatIsNewReplacedAndUnchanged() {
        List<ChangeRecord> h = history();
        assertThat(store.write(h)).isEqualTo(new ChangeRecordStore.Saved(7, 0, 0));
        assertThat(store.write(h)).isEqualTo(new ChangeRecordStore.Saved(0, 0, 7));
        ChangeRecord first = h.get(0);
        ChangeRecord changed = new ChangeRecord(first.id(), first.pipeline(), first.environment(), first.commit(), first.commitTime(),
                first.startedAt(), first.finishedAt(), Outcome.FAILED, 99, "CRITICAL", null, null, null, null, null, null, null, null, null,
                null, null);
        ChangeRecord added = deploy("production", "new", null, at(DAY2, 20, 0), Outcome.SUCCEEDED, 1, "LOW");
        assertThat(store.write(List.of(changed, added, h.get(1)))).isEqualTo(new ChangeRecordStore.Saved(1, 1, 1));
        assertThat(store.find(first.id())).contains(changed);
        assertThat(store.count(RecordQuery.ALL)).isEqualTo(8);
    }

    @Test
    void pagesAreNewestFirstAndStreamsOldestFirst() {
        store.saveAll(history());
        List<ChangeRecord> first = store.page(new RecordQuery("production", null, null, null), 0, 2);
        assertThat(first).extracting(ChangeRecord::commit).containsExactly("c6", "c5");
        assertThat(store.page(new RecordQuery("production", null, null, null), 4, 10)).extracting(ChangeRecord::commit).containsExactly("c2", "c1");
        List<String> streamed = new ArrayList<>();
        store.forEach(RecordQuery.ALL, r -> streamed.add(r.environment() + ":" + r.commit()));
        assertThat(streamed).containsExactly("staging:c1", "production:c1", "production:c2", "production:c3",
                "production:c4", "production:c5", "production:c6");
    }

    @Test
    void outcomeAndLevelNarrowPagesAndCounts() {
        store.saveAll(history());
        RecordQuery failed = new RecordQuery("production", null, null, null, Outcome.FAILED, null);
        assertThat(store.page(failed, 0, 10)).extracting(ChangeRecord::commit).containsExactly("c5", "c2");
        assertThat(store.count(new RecordQuery(null, null, null, null, null, "LOW"))).isEqualTo(3);
        assertThat(store.count(new RecordQuery(null, null, null, null, Outcome.SUCCEEDED, "MEDIUM"))).isEqualTo(2);
    }

    @Test
    void aSetOfPipelinesNarrowsEveryReadAndTheDoraFigures() {
        store.saveAll(history());
        // a hidden pipeline: a failure restored after 35 hours, which must not show in the visible figures
        store.saveAll(List.of(
                ChangeRecord.of("team-b/billing", "production", "b1", at(DAY1, 8, 0), at(DAY1, 8, 50), at(DAY1, 9, 0), Outcome.FAILED, 90, "CRITICAL"),
                ChangeRecord.of("team-b/billing", "production", "b2", at(DAY1, 8, 0), at(DAY2, 19, 50), at(DAY2, 20, 0), Outcome.SUCCEEDED, 5, "LOW"),
                ChangeRecord.of("team-a/web", "production", "w1", at(DAY2, 14, 0), at(DAY2, 14, 50), at(DAY2, 15, 0), Outcome.SUCCEEDED, 5, "LOW")));
        RecordQuery visible = new RecordQuery("production", null, null, null).withPipelines(List.of("shop", "team-a/web"));

        assertThat(store.count(visible)).isEqualTo(7);
        assertThat(store.page(visible, 0, 100)).extracting(ChangeRecord::pipeline).containsOnly("shop", "team-a/web");
        List<String> streamed = new ArrayList<>();
        store.forEach(visible, r -> streamed.add(r.pipeline()));
        assertThat(streamed).hasSize(7).doesNotContain("team-b/billing");
        DoraMetrics dora = store.dora(visible);
        assertThat(dora.deployments()).isEqualTo(7);
        assertThat(dora.failures()).isEqualTo(3);
        assertThat(dora.timeToRestoreMedian()).as("only the visible failures' restores").isEqualTo(3600.0);
        assertThat(store.dora(new RecordQuery("production", null, null, null)).timeToRestoreMedian())
                .as("everything: the hidden pipeline's restore counts too").isEqualTo((3600.0 + 10800.0) / 2);
        assertThat(store.trend(visible, Duration.ofDays(1))).extracting(TrendPoint::deployments).containsExactly(3L, 4L);

        RecordQuery none = RecordQuery.ALL.withPipelines(List.of());
        assertThat(none.selectsNothing()).isTrue();
        assertThat(store.count(none)).isZero();
        assertThat(store.dora(none).deployments()).isZero();
        assertThat(store.count(new RecordQuery(null, "team-b/billing", null, null).withPipelines(List.of("shop")))).isZero();
        assertThat(store.count(new RecordQuery(null, "shop", null, null).withPipelines(List.of("shop", "team-a/web")))).isEqualTo(7);
    }

    @Test
    void trendsBucketByFinishTime() {
        store.saveAll(history());
        List<TrendPoint> days = store.trend(new RecordQuery("production", null, null, null), Duration.ofDays(1));
        assertThat(days).extracting(TrendPoint::start).containsExactly(DAY1, DAY2);
        assertThat(days).extracting(TrendPoint::deployments).containsExactly(3L, 3L);
        assertThat(days).extracting(TrendPoint::failures).containsExactly(1L, 2L);
        assertThat(days.get(0).leadTimeMedian()).isCloseTo((4200.0 + 5400.0) / 2, Offset.offset(1e-9));
        assertThat(days.get(1).leadTimeMedian()).isEqualTo(7200.0);
    }
}
