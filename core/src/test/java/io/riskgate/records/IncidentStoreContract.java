package io.riskgate.records;

import static io.riskgate.records.ChangeRecordStoreContract.DAY1;
import static io.riskgate.records.ChangeRecordStoreContract.DAY2;
import static io.riskgate.records.ChangeRecordStoreContract.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskgate.RiskGateException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every store does with incidents and reviews; run against embedded H2 and, where a server is available, PostgreSQL. */
abstract class IncidentStoreContract {
    ChangeRecordStore store;
    IncidentStore incidents;
    List<ChangeRecord> history;

    abstract ChangeRecordStore open();

    @BeforeEach
    void openStore() {
        store = open();
        incidents = store.incidents();
        history = ChangeRecordStoreContract.history();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** production's c1..c6 are history(0..5), staging's c1 is history(6). */
    String deployment(int index) {
        return history.get(index).id();
    }

    static IncidentReport report(String id, String environment, Instant started) {
        return new IncidentReport(id, "test", "checkout errors " + id, "critical", "shop", environment, started, null, null, null);
    }

    static IncidentReport resolution(String id, Instant resolved) {
        return new IncidentReport(id, "test", null, null, null, null, null, resolved, null, null);
    }

    /**
     * Production: A before any deployment (unlinked), B while c1 was live (c2 failed), C and D overlapping
     * while c3 was live, E a minute before c6 finished (still c3), F explicitly c5's; staging: G while its c1 was live.
     * Restore times: A 1800 s, B 3600 s, C 7200 s, D 86400 s, E open, F 7200 s, G 1200 s.
     */
    void incidentHistory() {
        store.saveAll(history);
        incidents.open(report("A", "production", at(DAY1, 10, 0)));
        incidents.resolve(resolution("A", at(DAY1, 10, 30)));
        incidents.open(report("B", "production", at(DAY1, 13, 30)));
        incidents.resolve(resolution("B", at(DAY1, 14, 30)));
        incidents.open(report("C", "production", at(DAY1, 15, 0)));
        incidents.open(report("D", "production", at(DAY1, 16, 0)));
        incidents.resolve(resolution("C", at(DAY1, 17, 0)));
        incidents.resolve(resolution("D", at(DAY2, 16, 0)));
        incidents.open(report("E", "production", at(DAY2, 12, 59)));
        incidents.open(new IncidentReport("F", "test", "payments down", null, null, null, at(DAY2, 12, 30), null, deployment(4), null));
        incidents.resolve(resolution("F", at(DAY2, 14, 30)));
        incidents.open(report("G", "staging", at(DAY1, 12, 0)));
        incidents.resolve(resolution("G", at(DAY1, 12, 20)));
    }

    @Test
    void anIncidentIsLinkedToTheNewestSuccessfulDeploymentLiveWhenItStarted() {
        incidentHistory();
        assertThat(incidents.find("A").orElseThrow()).satisfies(i -> {
            assertThat(i.deploymentId()).isNull();
            assertThat(i.link()).isEqualTo(Incident.Link.NONE);
        });
        assertThat(incidents.find("B").orElseThrow().deploymentId()).as("c2 failed, so c1 was still live").isEqualTo(deployment(0));
        assertThat(incidents.find("B").orElseThrow().link()).isEqualTo(Incident.Link.LIVE);
        assertThat(incidents.find("C").orElseThrow().deploymentId()).isEqualTo(deployment(2));
        assertThat(incidents.find("D").orElseThrow().deploymentId()).as("overlapping incidents share the deployment").isEqualTo(deployment(2));
        assertThat(incidents.find("E").orElseThrow().deploymentId()).as("c6 finished a minute after E started").isEqualTo(deployment(2));
        assertThat(incidents.find("F").orElseThrow()).satisfies(i -> {
            assertThat(i.deploymentId()).isEqualTo(deployment(4));
            assertThat(i.link()).isEqualTo(Incident.Link.EXPLICIT);
            assertThat(i.pipeline()).isEqualTo("shop");
            assertThat(i.environment()).as("taken from the named deployment").isEqualTo("production");
        });
        assertThat(incidents.find("G").orElseThrow().deploymentId()).isEqualTo(deployment(6));
        assertThat(incidents.forDeployments(java.util.Set.of(deployment(2), deployment(5))).get(deployment(2)))
                .extracting(Incident::id).containsExactly("C", "D", "E");
    }

    @Test
    void aDeploymentFinishedAtTheMomentTheIncidentStartedIsTheLiveOne() {
        store.saveAll(history);
        assertThat(incidents.open(report("X", "production", at(DAY2, 13, 0))).incident().deploymentId()).isEqualTo(deployment(5));
    }

    @Test
    void ofSuccessesFinishedAtTheSameMomentTheGreatestIdIsTheLiveOneAndALaterFailureIsNot() {
        store.saveAll(history);
        ChangeRecord first = ChangeRecordStoreContract.deploy("production", "t1", at(DAY2, 14, 0), at(DAY2, 15, 0), Outcome.SUCCEEDED, 10, "LOW");
        ChangeRecord second = ChangeRecordStoreContract.deploy("production", "t2", at(DAY2, 14, 5), at(DAY2, 15, 0), Outcome.SUCCEEDED, 10, "LOW");
        ChangeRecord failed = ChangeRecordStoreContract.deploy("production", "t3", at(DAY2, 15, 10), at(DAY2, 15, 30), Outcome.FAILED, 70, "HIGH");
        store.saveAll(List.of(second, failed, first));
        String greatest = first.id().compareTo(second.id()) > 0 ? first.id() : second.id();
        assertThat(incidents.open(report("T", "production", at(DAY2, 16, 0))).incident().deploymentId()).isEqualTo(greatest);
        assertThat(incidents.open(report("U", "production", at(DAY2, 14, 59))).incident().deploymentId())
                .as("a minute before the two finished: c6").isEqualTo(deployment(5));
        assertThat(incidents.open(report("V", "staging", at(DAY2, 16, 0))).incident().deploymentId())
                .as("another environment's newest success").isEqualTo(deployment(6));
    }

    @Test
    void incidentChangeFailureRateAndTimeToRestoreMatchHandComputedValues() {
        incidentHistory();
        IncidentMetrics prod = incidents.metrics(new RecordQuery("production", null, null, null));
        assertThat(prod.deployments()).isEqualTo(6);
        assertThat(prod.causedIncident()).as("c1, c3 and c5").isEqualTo(3);
        assertThat(prod.changeFailureRate()).isCloseTo(3 / 6.0, Offset.offset(1e-9));
        assertThat(prod.failedOrCausedIncident()).as("c1, c2, c3, c4, c5").isEqualTo(5);
        assertThat(prod.combinedFailureRate()).isCloseTo(5 / 6.0, Offset.offset(1e-9));
        assertThat(prod.incidents()).isEqualTo(6);
        assertThat(prod.open()).isEqualTo(1);
        assertThat(prod.unlinked()).isEqualTo(1);
        // 1800, 3600, 7200, 7200, 86400
        assertThat(prod.timeToRestoreMedian()).isEqualTo(7200.0);
        assertThat(prod.timeToRestoreP90()).isEqualTo(86400.0);
        // the deployment-based definitions of the same records, side by side: 3 of 6 failed, restored after 3600, 10800, 3600 s
        DoraMetrics dora = store.dora(new RecordQuery("production", null, null, null));
        assertThat(dora.changeFailureRate()).isCloseTo(0.5, Offset.offset(1e-9));
        assertThat(dora.timeToRestoreMedian()).isEqualTo(3600.0);

        IncidentMetrics all = incidents.metrics(RecordQuery.ALL);
        assertThat(all.deployments()).isEqualTo(7);
        assertThat(all.causedIncident()).isEqualTo(4);
        assertThat(all.incidents()).isEqualTo(7);
        // 1200, 1800, 3600, 7200, 7200, 86400
        assertThat(all.timeToRestoreMedian()).isEqualTo(5400.0);

        IncidentMetrics day2 = incidents.metrics(new RecordQuery("production", null, DAY2, null));
        assertThat(day2.deployments()).as("c4, c5, c6").isEqualTo(3);
        assertThat(day2.causedIncident()).as("c5").isEqualTo(1);
        assertThat(day2.incidents()).as("E and F started on day 2").isEqualTo(2);
        assertThat(day2.timeToRestoreMedian()).isEqualTo(7200.0);
        assertThat(store.incidents().linkedDeployments(new RecordQuery("production", null, null, null)))
                .containsExactlyInAnyOrder(deployment(0), deployment(2), deployment(4));
    }

    @Test
    void withoutIncidentsTheRatesAreZeroAndTimeToRestoreUnknown() {
        store.saveAll(history);
        IncidentMetrics m = incidents.metrics(RecordQuery.ALL);
        assertThat(m.changeFailureRate()).isZero();
        assertThat(m.timeToRestoreMedian()).isNull();
        assertThat(incidents.metrics(new RecordQuery("nowhere", null, null, null)).changeFailureRate()).isNull();
    }

    @Test
    void reportingTheSameIncidentTwiceChangesNothingAndAResolutionIsFinal() {
        store.saveAll(history);
        IncidentReport b = report("B", "production", at(DAY1, 13, 30));
        assertThat(incidents.open(b).change()).isEqualTo(IncidentStore.Change.ADDED);
        assertThat(incidents.open(b).change()).isEqualTo(IncidentStore.Change.UNCHANGED);
        IncidentStore.Result retitled = incidents.open(new IncidentReport("B", "test", "checkout down", "SEV1", "shop", "production",
                at(DAY1, 13, 45), null, null, null));
        assertThat(retitled.change()).isEqualTo(IncidentStore.Change.UPDATED);
        assertThat(retitled.incident().title()).isEqualTo("checkout down");
        assertThat(retitled.incident().startedAt()).as("the first start is kept").isEqualTo(at(DAY1, 13, 30));

        assertThat(incidents.resolve(resolution("B", at(DAY1, 14, 30))).change()).isEqualTo(IncidentStore.Change.UPDATED);
        assertThat(incidents.resolve(resolution("B", at(DAY1, 15, 0))).change()).isEqualTo(IncidentStore.Change.UNCHANGED);
        assertThat(incidents.open(b).change()).as("a late 'firing' after the resolution").isEqualTo(IncidentStore.Change.UNCHANGED);
        assertThat(incidents.find("B").orElseThrow().resolvedAt()).isEqualTo(at(DAY1, 14, 30));
        assertThat(incidents.find("B").orElseThrow().restoreSeconds()).isEqualTo(3600);
    }

    @Test
    void aResolutionWithoutAnOpeningRecordsTheIncidentWhenItNamesStartAndServiceElseIsRefused() {
        store.saveAll(history);
        assertThatThrownBy(() -> incidents.resolve(resolution("lost", at(DAY1, 15, 0))))
                .isInstanceOf(RiskGateException.class).hasMessageContaining("no incident 'lost' to resolve");
        assertThat(incidents.find("lost")).isEmpty();
        IncidentStore.Result r = incidents.resolve(new IncidentReport("late", "alertmanager", "HighErrorRate", null, "shop", "production",
                at(DAY1, 14, 10), at(DAY1, 14, 40), null, null));
        assertThat(r.change()).isEqualTo(IncidentStore.Change.ADDED);
        assertThat(r.incident().open()).isFalse();
        assertThat(r.incident().deploymentId()).isEqualTo(deployment(2));
        assertThatThrownBy(() -> incidents.resolve(new IncidentReport("early", null, null, null, "shop", "production",
                at(DAY1, 14, 10), at(DAY1, 14, 0), null, null))).isInstanceOf(RiskGateException.class).hasMessageContaining("before it started");
    }

    @Test
    void anIncidentBeforeTheDeploymentWasRecordedIsLinkedWhenReportedAgain() {
        assertThat(incidents.open(report("B", "production", at(DAY1, 13, 30))).incident().link()).isEqualTo(Incident.Link.NONE);
        store.saveAll(history);   // recorded late (a spooled record)
        IncidentStore.Result again = incidents.open(report("B", "production", at(DAY1, 13, 30)));
        assertThat(again.change()).isEqualTo(IncidentStore.Change.UPDATED);
        assertThat(again.incident().deploymentId()).isEqualTo(deployment(0));
    }

    @Test
    void anExplicitCommitLinksItsNewestDeploymentBeforeTheStart() {
        store.saveAll(history);
        ChangeRecord first = ChangeRecord.of("shop", "production", "abcdef1234567", null, at(DAY2, 14, 0), at(DAY2, 14, 10), Outcome.SUCCEEDED, null, null);
        ChangeRecord again = ChangeRecord.of("shop", "production", "abcdef1234567", null, at(DAY2, 15, 0), at(DAY2, 15, 10), Outcome.FAILED, null, null);
        store.saveAll(List.of(first, again));
        IncidentReport byCommit = new IncidentReport("K", "cli", "slow", null, "shop", "production", at(DAY2, 15, 30), null, null, "ABCDEF1");
        assertThat(incidents.open(byCommit).incident().deploymentId()).isEqualTo(again.id());
        assertThatThrownBy(() -> incidents.open(new IncidentReport("L", "cli", "slow", null, "shop", "production", at(DAY2, 14, 5), null,
                null, "abcdef1"))).isInstanceOf(RiskGateException.class).hasMessageContaining("no deployment of commit 'abcdef1'");
        assertThatThrownBy(() -> incidents.open(new IncidentReport("M", "cli", "slow", null, null, null, at(DAY2, 14, 5), null,
                "no-such-record", null))).isInstanceOf(RiskGateException.class).hasMessageContaining("no deployment 'no-such-record'");
        assertThat(incidents.find("L")).isEmpty();
    }

    @Test
    void severalReportsAreOneTransaction() {
        store.saveAll(history);
        assertThatThrownBy(() -> incidents.apply(List.of(report("P", "production", at(DAY1, 13, 30)), resolution("Q", at(DAY1, 14, 0)))))
                .isInstanceOf(RiskGateException.class);
        assertThat(incidents.find("P")).as("nothing half-written").isEmpty();
    }

    @Test
    void reviewsAttachToFailedOrIncidentLinkedDeploymentsAndSetTheRecordsReviewLink() {
        incidentHistory();
        Instant now = at(DAY2, 20, 0);
        assertThat(incidents.awaitingReview(new RecordQuery("production", "shop", null, null), 10))
                .extracting(IncidentStore.AwaitingReview::deploymentId, IncidentStore.AwaitingReview::why)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(deployment(0), "1 incident"),
                        org.assertj.core.groups.Tuple.tuple(deployment(1), "FAILED"),
                        org.assertj.core.groups.Tuple.tuple(deployment(2), "3 incidents"),
                        org.assertj.core.groups.Tuple.tuple(deployment(3), "ROLLED_BACK"),
                        org.assertj.core.groups.Tuple.tuple(deployment(4), "FAILED, 1 incident"));
        Review review = new Review(deployment(1), "https://wiki.example.com/pir/42", "alice", now, "retry storm");
        assertThat(incidents.review(review)).isEqualTo(IncidentStore.Change.ADDED);
        assertThat(incidents.review(review)).isEqualTo(IncidentStore.Change.UNCHANGED);
        assertThat(incidents.review(new Review(deployment(1), "https://wiki.example.com/pir/43", "alice", now, null)))
                .isEqualTo(IncidentStore.Change.UPDATED);
        assertThat(store.find(deployment(1)).orElseThrow().pirUrl()).isEqualTo("https://wiki.example.com/pir/43");
        assertThat(incidents.review(new Review(deployment(0), "https://wiki.example.com/pir/44", "bob", now, null)))
                .as("c1 succeeded but caused B").isEqualTo(IncidentStore.Change.ADDED);
        assertThatThrownBy(() -> incidents.review(new Review(deployment(5), "https://wiki.example.com/x", "bob", now, null)))
                .isInstanceOf(RiskGateException.class).hasMessageContaining("succeeded and no incident is linked to it");
        assertThatThrownBy(() -> incidents.review(new Review("nope", "https://wiki.example.com/x", "bob", now, null)))
                .isInstanceOf(RiskGateException.class).hasMessageContaining("no deployment 'nope'");
        assertThat(incidents.awaitingReview(new RecordQuery("production", "shop", null, null), 10))
                .extracting(IncidentStore.AwaitingReview::deploymentId).containsExactly(deployment(2), deployment(3), deployment(4));
        assertThat(incidents.awaitingReview(new RecordQuery("production", "shop", null, null), 1)).hasSize(1);
        assertThat(incidents.reviewedDeployments(RecordQuery.ALL)).containsExactlyInAnyOrder(deployment(0), deployment(1));
        assertThat(incidents.review(deployment(0)).orElseThrow().author()).isEqualTo("bob");
    }

    @Test
    void theCountAwaitingAReviewEqualsTheRecordsThatDoOverAnyWindow() {
        // five days of deployments: some failures carry their pirUrl, some have a review, some successes are linked to an
        // incident (one of them reviewed), some failures are linked too; records written again later change their outcome
        java.util.Random random = new java.util.Random(11);
        java.util.Map<String, ChangeRecord> records = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 400; i++) {
            Instant finished = at(DAY1, 0, 0).plusSeconds(random.nextInt(5 * 86_400));
            Outcome outcome = random.nextInt(3) == 0 ? Outcome.SUCCEEDED : random.nextBoolean() ? Outcome.FAILED : Outcome.ROLLED_BACK;
            String pir = outcome != Outcome.SUCCEEDED && random.nextInt(4) == 0 ? "https://wiki.example.com/pir/r" + i : null;
            records.put("r" + i, new ChangeRecord("r" + i, random.nextBoolean() ? "shop" : "cart", random.nextInt(3) == 0 ? "staging"
                    : "production", "c" + i, finished.minusSeconds(3600), finished.minusSeconds(60), finished, outcome, 10, "LOW", null,
                    null, null, null, pir, null, null, null, null, null, ChangeRecord.Metrics.NONE));
        }
        store.saveAll(List.copyOf(records.values()));
        java.util.Set<String> reviewed = new java.util.HashSet<>();
        java.util.Set<String> linked = new java.util.HashSet<>();
        List<ChangeRecord> all = List.copyOf(records.values());
        for (int i = 0; i < all.size(); i++) {
            ChangeRecord r = all.get(i);
            if (i % 5 == 0) {
                incidents.open(new IncidentReport("I" + i, "test", "errors", null, null, null, r.finishedAt().plusSeconds(10), null, r.id(), null));
                linked.add(r.id());
            }
            if (i % 3 == 0 && (r.outcome() != Outcome.SUCCEEDED || i % 15 == 0)) {
                incidents.review(new Review(r.id(), "https://wiki.example.com/review/" + i, "alice", at(DAY2, 9, 0), null));
                reviewed.add(r.id());
            }
        }
        // written again: a success becomes a failure, a failure loses its pirUrl
        for (int i = 1; i < all.size(); i += 37) {
            ChangeRecord r = all.get(i);
            ChangeRecord again = new ChangeRecord(r.id(), r.pipeline(), r.environment(), r.commit(), r.commitTime(), r.startedAt(),
                    r.finishedAt(), r.outcome() == Outcome.SUCCEEDED ? Outcome.FAILED : r.outcome(), 10, "LOW", null, null, null, null, null,
                    null, null, null, null, null, ChangeRecord.Metrics.NONE);
            records.put(r.id(), again);
            store.save(again);
        }
        List<RecordQuery> queries = new java.util.ArrayList<>(List.of(RecordQuery.ALL, new RecordQuery("production", null, null, null),
                new RecordQuery(null, "shop", null, null), new RecordQuery("staging", "cart", null, null),
                RecordQuery.ALL.withPipelines(List.of("cart")), RecordQuery.ALL.withPipelines(List.of()),
                new RecordQuery(null, null, at(DAY2, 0, 0), at(DAY2, 0, 0).plus(Duration.ofDays(2))),
                new RecordQuery(null, null, null, null, Outcome.ROLLED_BACK, null, null)));
        for (int k = 0; k < 12; k++) {
            Instant since = at(DAY1, 0, 0).plusSeconds(random.nextInt(4 * 86_400));
            Instant until = since.plusSeconds(random.nextInt(3 * 86_400));
            queries.add(new RecordQuery(random.nextBoolean() ? "production" : null, random.nextBoolean() ? "shop" : null,
                    random.nextInt(4) == 0 ? null : since, random.nextInt(4) == 0 ? null : until));
        }
        int nonZero = 0;
        for (RecordQuery q : queries) {
            long expected = records.values().stream()
                    .filter(r -> q.environment() == null || q.environment().equals(r.environment()))
                    .filter(r -> q.pipeline() == null || q.pipeline().equals(r.pipeline()))
                    .filter(r -> q.pipelines() == null || q.pipelines().contains(r.pipeline()))
                    .filter(r -> q.outcome() == null || q.outcome() == r.outcome())
                    .filter(r -> q.since() == null || !r.finishedAt().isBefore(q.since()))
                    .filter(r -> q.until() == null || r.finishedAt().isBefore(q.until()))
                    .filter(r -> r.pirUrl() == null && !reviewed.contains(r.id()) && (r.outcome() != Outcome.SUCCEEDED || linked.contains(r.id())))
                    .count();
            nonZero += expected > 0 ? 1 : 0;
            assertThat(incidents.awaitingReviewCount(q)).as("%s", q).isEqualTo(expected);
            assertThat(incidents.awaitingReview(q, 1000)).as("%s", q).hasSize((int) expected);
        }
        assertThat(nonZero).as("most windows hold some").isGreaterThan(queries.size() / 2);
    }

    @Test
    void theOldestAwaitingAReviewAreListedInFinishTimeAndIdOrderWhateverTheLimitCutsThrough() {
        // many failures on few distinct finish times, in two pipelines and environments; some reviewed, some succeeded with an incident
        java.util.Random random = new java.util.Random(7);
        List<ChangeRecord> records = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Instant finished = at(DAY1, 8, 0).plusSeconds(600L * random.nextInt(12));
            Outcome outcome = random.nextInt(3) == 0 ? Outcome.SUCCEEDED : random.nextBoolean() ? Outcome.FAILED : Outcome.ROLLED_BACK;
            records.add(new ChangeRecord(String.format("d%03d", random.nextInt(1000)) + "-" + i, random.nextBoolean() ? "shop" : "cart",
                    random.nextBoolean() ? "production" : "staging", "c" + i, finished.minusSeconds(3600), finished.minusSeconds(60), finished,
                    outcome, 10, "LOW", null, null, null, null, null, null, null, null, null, null, ChangeRecord.Metrics.NONE));
        }
        store.saveAll(records);
        java.util.Set<String> reviewed = new java.util.HashSet<>();
        java.util.Set<String> linked = new java.util.HashSet<>();
        for (int i = 0; i < records.size(); i += 7) {
            ChangeRecord r = records.get(i);
            if (r.outcome() == Outcome.SUCCEEDED) {
                incidents.open(new IncidentReport("I" + i, "test", "errors", null, null, null, r.finishedAt().plusSeconds(10), null, r.id(), null));
                linked.add(r.id());
            } else if (i % 2 == 0) {
                incidents.review(new Review(r.id(), "https://wiki.example.com/pir/" + i, "alice", at(DAY2, 9, 0), null));
                reviewed.add(r.id());
            }
        }
        List<RecordQuery> queries = List.of(RecordQuery.ALL, new RecordQuery("production", null, null, null),
                new RecordQuery(null, "shop", null, null), new RecordQuery("staging", "cart", null, null),
                new RecordQuery("production", null, at(DAY1, 8, 30), at(DAY1, 9, 30)),
                RecordQuery.ALL.withPipelines(List.of("cart")));
        for (RecordQuery q : queries) {
            List<String> expected = records.stream()
                    .filter(r -> q.environment() == null || q.environment().equals(r.environment()))
                    .filter(r -> q.pipeline() == null || q.pipeline().equals(r.pipeline()))
                    .filter(r -> q.pipelines() == null || q.pipelines().contains(r.pipeline()))
                    .filter(r -> q.since() == null || !r.finishedAt().isBefore(q.since()))
                    .filter(r -> q.until() == null || r.finishedAt().isBefore(q.until()))
                    .filter(r -> !reviewed.contains(r.id()) && (r.outcome() != Outcome.SUCCEEDED || linked.contains(r.id())))
                    .sorted(java.util.Comparator.comparing(ChangeRecord::finishedAt).thenComparing(ChangeRecord::id))
                    .map(ChangeRecord::id).toList();
            assertThat(expected).as("the case has enough rows to cut through ties").hasSizeGreaterThan(10);
            for (int limit : new int[] {1, 7, 13, expected.size() - 1, expected.size(), expected.size() + 5}) {
                assertThat(incidents.awaitingReview(q, limit)).as("%s, limit %d", q, limit).extracting(IncidentStore.AwaitingReview::deploymentId)
                        .containsExactlyElementsOf(expected.subList(0, Math.min(limit, expected.size())));
            }
            assertThat(incidents.linkedDeployments(q)).as("%s", q).containsExactlyInAnyOrderElementsOf(records.stream()
                    .filter(r -> linked.contains(r.id()) && expected.contains(r.id())).map(ChangeRecord::id).toList());
        }
    }

    @Test
    void incidentsAreListedNewestFirstWithinTheWindow() {
        incidentHistory();
        assertThat(incidents.incidents(new RecordQuery("production", null, null, DAY2), 0, 10)).extracting(Incident::id)
                .containsExactly("D", "C", "B", "A");
        assertThat(incidents.incidents(RecordQuery.ALL, 1, 2)).extracting(Incident::id).containsExactly("F", "D");
    }

    @Test
    void theDeliveryReportCountsIncidentLinkedDeploymentsAsFailuresToReviewAndListsThoseWaiting() {
        incidentHistory();
        Instant now = at(DAY2, 20, 0);
        RecordQuery prod = new RecordQuery("production", null, null, null);
        var before = io.riskgate.report.DeliveryReport.of(store, prod, now, "production");
        assertThat(before.readiness()).singleElement().satisfies(r -> {
            assertThat(r.recentFailures()).as("c2, c4, c5 failed; c1 and c3 caused incidents").isEqualTo(5);
            assertThat(r.recentFailuresWithReview()).isZero();
        });
        for (int i = 0; i < 5; i++) {
            incidents.review(new Review(deployment(i), "https://wiki.example.com/pir/" + i, "alice", now, null));
        }
        var after = io.riskgate.report.DeliveryReport.of(store, prod, now, "production");
        assertThat(after.readiness().get(0).recentFailuresWithReview()).isEqualTo(5);
        assertThat(after.incidents().awaitingReview()).isEmpty();
        assertThat(before.incidents().awaitingReview()).hasSize(5);
        @SuppressWarnings("unchecked")
        var json = (java.util.Map<String, Object>) before.toMap().get("incidents");
        assertThat(json.get("changeFailureRate")).isEqualTo(0.5);
        assertThat(((java.util.Map<?, ?>) json.get("timeToRestore")).get("median")).isEqualTo(7200.0);
        assertThat(before.toText()).contains("change failure rate    50.0% of deployments caused an incident (3 of 6)")
                .contains("Waiting for a post-incident review").contains("ROLLED_BACK");
        assertThat(before.calibration()).filteredOn(l -> l.level().equals("LOW")).singleElement()
                .satisfies(l -> assertThat(l.failures()).as("c1 (caused B) and c5 (failed)").isEqualTo(2));
    }

    @Test
    void learnedModelsCountIncidentLinkedDeploymentsAsFailuresWhenThePolicySays() {
        List<ChangeRecord> assessed = new java.util.ArrayList<>();
        for (ChangeRecord r : history) {
            assessed.add(new ChangeRecord(r.id(), r.pipeline(), r.environment(), r.commit(), r.commitTime(), r.startedAt(), r.finishedAt(),
                    r.outcome(), r.riskScore(), r.riskLevel(), null, null, null, null, null, null, null, null, null, null,
                    new ChangeRecord.Metrics(10, 2, 1, 1, 1, 0.0, 1, 1)));
        }
        store.saveAll(assessed);
        incidents.open(report("B", "production", at(DAY1, 13, 30)));   // c1, which succeeded
        var outcomesOnly = io.riskgate.learning.History.fromRecords(store, RecordQuery.ALL, "store", false);
        var withIncidents = io.riskgate.learning.History.fromRecords(store, RecordQuery.ALL, "store", true);
        assertThat(outcomesOnly.failures()).isEqualTo(3);
        assertThat(withIncidents.failures()).isEqualTo(4);
        assertThat(io.riskgate.policy.PolicyLoader.parse("learning: {incidentsAreFailures: false}\n", "p").learning().incidentsAreFailures())
                .isFalse();
        assertThat(io.riskgate.policy.PolicyLoader.parse("learning: {}\n", "p").learning().incidentsAreFailures()).isTrue();
    }

    @Test
    void aQueryNarrowedToVisiblePipelinesCountsOnlyTheirIncidents() {
        incidentHistory();
        RecordQuery prod = new RecordQuery("production", null, null, null);
        assertThat(incidents.metrics(prod.withPipelines(List.of("shop"))).incidents()).isEqualTo(6);
        assertThat(incidents.metrics(prod.withPipelines(List.of("other"))).incidents()).isZero();
        assertThat(incidents.metrics(prod.withPipelines(List.of())).deployments()).isZero();
        assertThat(incidents.awaitingReview(prod.withPipelines(List.of("other")), 10)).isEmpty();
        assertThat(incidents.linkedDeployments(prod.withPipelines(List.of("shop")))).hasSize(3);
    }
}
