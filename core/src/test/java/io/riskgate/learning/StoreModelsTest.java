package io.riskgate.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskgate.policy.LearningPolicy;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Outcome;
import io.riskgate.records.RecordQuery;
import io.riskgate.records.RecordStoreException;
import io.riskgate.records.RecordStores;
import io.riskgate.testing.TestRecords;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreModelsTest {
    static final Instant NOW = Instant.parse("2026-11-24T15:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;
    ChangeRecordStore store;

    @BeforeEach
    void open() {
        store = RecordStores.open(dir.resolve("store").toString());
    }

    @AfterEach
    void close() {
        store.close();
    }

    static LearningPolicy policy(int minOutcomes, int minFailures, int windowDays, String environment) {
        return new LearningPolicy(LearningPolicy.Model.AUTO, minOutcomes, minFailures, windowDays, environment);
    }

    @Test
    void tooFewOutcomesKeepTheDefaultScoreAndSayWhatIsMissing() {
        store.saveAll(TestRecords.sized(150, "production", NOW.minus(Duration.ofDays(100)), Duration.ofHours(12), 1));
        StoreModels.Choice choice = new StoreModels(CLOCK, Duration.ZERO).choose(store, LearningPolicy.defaults());
        assertThat(choice.learned()).isFalse();
        assertThat(choice.name()).isEqualTo("default");
        assertThat(choice.outcomes()).isEqualTo(150);
        assertThat(choice.reason()).contains("holds 150 deployments since 2025-11-24 with assessed metrics",
                choice.failures() + " of them failed", "needs 200, with at least 20 failed and 20 succeeded");
    }

    @Test
    void enoughOutcomesInTheWindowGiveALearnedModelThatFindsTheRealEffect() {
        // 300 deployments in the last 150 days, and 500 older ones outside a 200-day window
        store.saveAll(TestRecords.sized(500, "production", NOW.minus(Duration.ofDays(900)), Duration.ofHours(12), 2));
        store.saveAll(TestRecords.sized(300, "production", NOW.minus(Duration.ofDays(150)), Duration.ofHours(12), 3));
        StoreModels.Choice choice = new StoreModels(CLOCK, Duration.ZERO).choose(store, policy(200, 20, 200, null));
        assertThat(choice.learned()).isTrue();
        LearnedModel model = choice.model();
        assertThat(model.samples()).isEqualTo(300);
        assertThat(choice.outcomes()).isEqualTo(300);
        assertThat(model.trainedFrom()).isAfterOrEqualTo(NOW.minus(Duration.ofDays(151)));
        assertThat(model.name()).isEqualTo(LearnedModel.nameFor(model.trainedTo()));
        LearnedModel.Feature lines = model.features().stream().filter(f -> f.name().equals("linesAdded")).findFirst().orElseThrow();
        assertThat(lines.coefficient()).isGreaterThan(0.3);
        assertThat(choice.reason()).startsWith("learned from 300 deployments since 2026-05-08, " + model.positives() + " of them failed");
        assertThat(model.probability(raw(model, 2000))).isGreaterThan(model.probability(raw(model, 3)));
    }

    @Test
    void anEnvironmentFilterLearnsFromThatEnvironmentOnly() {
        store.saveAll(TestRecords.sized(250, "staging", NOW.minus(Duration.ofDays(120)), Duration.ofHours(12), 4));
        store.saveAll(TestRecords.sized(100, "production", NOW.minus(Duration.ofDays(120)), Duration.ofHours(12), 5));
        StoreModels models = new StoreModels(CLOCK, Duration.ZERO);
        assertThat(models.choose(store, policy(200, 10, 365, null)).outcomes()).isEqualTo(350);
        StoreModels.Choice production = models.choose(store, policy(200, 10, 365, "production"));
        assertThat(production.learned()).isFalse();
        assertThat(production.reason()).contains("100 deployments to production since");
    }

    @Test
    void recordsWithoutMetricsAreNotLearnedFromAndTheDefaultPolicyNeverLearns() {
        List<ChangeRecord> unassessed = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Instant t = NOW.minus(Duration.ofHours(i + 1));
            unassessed.add(ChangeRecord.of("shop", "production", "c" + i, null, t.minusSeconds(60), t,
                    i % 4 == 0 ? Outcome.FAILED : Outcome.SUCCEEDED, 30, "MEDIUM"));
        }
        store.saveAll(unassessed);
        StoreModels.Choice choice = new StoreModels(CLOCK, Duration.ZERO).choose(store, policy(10, 2, 365, null));
        assertThat(choice.learned()).isFalse();
        assertThat(choice.reason()).contains("holds no deployments since 2025-11-24 with the metrics of an assessed change");

        store.saveAll(TestRecords.sized(300, "production", NOW.minus(Duration.ofDays(100)), Duration.ofHours(12), 6));
        assertThat(new StoreModels(CLOCK, Duration.ZERO).choose(store, policy(10, 2, 365, null)).learned()).isTrue();
        StoreModels.Choice off = new StoreModels(CLOCK, Duration.ZERO).choose(store, policy(10, 2, 365, null).withModel(LearningPolicy.Model.DEFAULT));
        assertThat(off.learned()).isFalse();
        assertThat(off.reason()).contains("learning.model to default");
    }

    @Test
    void aModelIsReusedUntilTheRecordsChangeOrForMaxAge() {
        store.saveAll(TestRecords.sized(250, "production", NOW.minus(Duration.ofDays(200)), Duration.ofHours(12), 7));
        LearningPolicy policy = policy(200, 20, 365, null);
        StoreModels fresh = new StoreModels(CLOCK, Duration.ZERO);
        StoreModels.Choice first = fresh.choose(store, policy);
        assertThat(fresh.choose(store, policy)).isSameAs(first);

        StoreModels cached = new StoreModels(CLOCK, Duration.ofMinutes(15));
        StoreModels.Choice before = cached.choose(store, policy);
        store.saveAll(TestRecords.sized(10, "production", NOW.minus(Duration.ofDays(1)), Duration.ofMinutes(5), 8));
        assertThat(cached.choose(store, policy)).isSameAs(before);          // within maxAge
        StoreModels.Choice after = fresh.choose(store, policy);            // records changed: fitted again
        assertThat(after).isNotSameAs(first);
        assertThat(after.model().samples()).isEqualTo(260);
    }

    @Test
    void tooFewOutcomesAreCountedAgainAsSoonAsRecordsArriveEvenWithinMaxAge() {
        StoreModels cached = new StoreModels(CLOCK, Duration.ofMinutes(15));
        LearningPolicy policy = policy(200, 20, 365, null);
        assertThat(cached.choose(store, policy).learned()).isFalse();
        assertThat(cached.backtest(store, RecordQuery.ALL).result()).isNull();
        store.saveAll(TestRecords.sized(250, "production", NOW.minus(Duration.ofDays(200)), Duration.ofHours(12), 10));
        assertThat(cached.choose(store, policy).learned()).isTrue();
        assertThat(cached.backtest(store, RecordQuery.ALL).result()).isNotNull();
    }

    @Test
    void theStoreBacktestComparesTheLearnedModelWithTheDefaultScore() {
        store.saveAll(TestRecords.sized(1000, "production", NOW.minus(Duration.ofDays(300)), Duration.ofHours(6), 9));
        StoreModels.StoreBacktest backtest = new StoreModels(CLOCK, Duration.ZERO).backtest(store, RecordQuery.ALL);
        assertThat(backtest.reason()).isNull();
        BacktestResult r = backtest.result();
        assertThat(r.rows()).isEqualTo(1000);
        assertThat(r.trainRows()).isEqualTo(600);
        assertThat(r.learned().auc()).isGreaterThan(0.6);
        assertThat(r.defaults().auc()).isGreaterThan(0.6);   // the default score also grows with lines added

        store.close();
        store = RecordStores.open(dir.resolve("empty").toString());
        StoreModels.StoreBacktest none = new StoreModels(CLOCK, Duration.ZERO).backtest(store, RecordQuery.ALL);
        assertThat(none.result()).isNull();
        assertThat(none.reason()).contains("no deployments with assessed metrics");
        assertThat(none.reason()).contains(store.location());
        StoreModels.StoreBacktest named = new StoreModels(CLOCK, Duration.ZERO, "the controller's record store").backtest(store, RecordQuery.ALL);
        assertThat(named.reason()).as("a server's users see no file paths").contains("the controller's record store")
                .doesNotContain(dir.toString());
    }

    @Test
    void aStoreThatCannotBeReadIsAnErrorNotTooFewOutcomes() {
        ChangeRecordStore failing = (ChangeRecordStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ChangeRecordStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("forEach")) {
                        throw new RecordStoreException("cannot read the record store " + store.location() + ": connection lost");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        assertThatThrownBy(() -> new StoreModels(CLOCK, Duration.ZERO).choose(failing, LearningPolicy.defaults()))
                .isInstanceOf(RecordStoreException.class).hasMessageContaining("connection lost");
    }

    static double[] raw(LearnedModel model, int linesAdded) {
        double[] raw = new double[model.features().size()];
        for (int j = 0; j < raw.length; j++) {
            raw[j] = switch (model.features().get(j).name()) {
                case "linesAdded" -> linesAdded;
                case "entropy" -> 0.5;
                default -> 2;
            };
        }
        return raw;
    }
}
