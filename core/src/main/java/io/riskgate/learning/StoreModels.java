package io.riskgate.learning;

import io.riskgate.RiskGateException;
import io.riskgate.policy.LearningPolicy;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.RecordQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Models learned from a record store's own outcomes: which model scores the next assessment
 * ({@link #choose}), and how a learned model would have done on the store's history
 * ({@link #backtest}).
 *
 * <p>A model is fitted on the deployments that finished in the policy's window (the last
 * {@link LearningPolicy#windowDays()} days, from the start of the current UTC day), that have an
 * outcome and the metrics of an assessed change, once there are at least
 * {@link LearningPolicy#minOutcomes()} of them with at least {@link LearningPolicy#minFailures()}
 * failed and as many succeeded. Results are kept per store and settings, and recomputed when the
 * store's matching records change; a learned model (or a backtest) is kept up to {@code maxAge}
 * even then, as fitting a large window again for every deployment would cost more than a slightly
 * older model is worth. A "not enough outcomes yet" answer is never kept past a change of the records.
 */
public final class StoreModels {
    private static final int KEPT = 32;

    private final Clock clock;
    private final Duration maxAge;
    private final String storeName;
    private final Map<String, Cached<?>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached<?>> eldest) {
            return size() > KEPT;
        }
    };

    /**
     * @param maxAge how long a result is reused while new records arrive; {@link Duration#ZERO} recomputes on every change
     */
    public StoreModels(Clock clock, Duration maxAge) {
        this(clock, maxAge, null);
    }

    /**
     * @param storeName how notes and errors name the store (a server's users should not see its file
     *                  paths), or null for the store's location
     */
    public StoreModels(Clock clock, Duration maxAge, String storeName) {
        this.clock = clock;
        this.maxAge = maxAge;
        this.storeName = storeName;
    }

    private String nameOf(ChangeRecordStore store) {
        return storeName != null ? storeName : store.location();
    }

    /**
     * Which model scores changes: a learned one, or the default with the reason.
     *
     * @param model the learned model, or null for the default score
     * @param reason why this model: what the learned one learned from, or why the default score
     * @param outcomes deployments in the window with an outcome and metrics
     * @param failures of them, failed or rolled back
     */
    public record Choice(LearnedModel model, String reason, int outcomes, int failures) {
        public boolean learned() {
            return model != null;
        }

        /** The model's name: {@code learned-<day>} or {@code default}. */
        public String name() {
            return model == null ? io.riskgate.risk.RiskScorer.MODEL : model.name();
        }
    }

    /** The model for the next assessments under {@code policy}. */
    public Choice choose(ChangeRecordStore store, LearningPolicy policy) {
        return choose(() -> store, policy, false);
    }

    /**
     * The model for the next assessments under {@code policy}, opening the store (and closing it)
     * only when the policy lets a model be learned.
     */
    public Choice choose(Supplier<ChangeRecordStore> open, LearningPolicy policy) {
        return choose(open, policy, true);
    }

    private Choice choose(Supplier<ChangeRecordStore> open, LearningPolicy policy, boolean close) {
        if (policy.model() == LearningPolicy.Model.DEFAULT) {
            return new Choice(null, "the policy sets learning.model to default", 0, 0);
        }
        RecordQuery query = window(policy);
        ChangeRecordStore store = open.get();
        try {
            return cached("choose", store, query, policy, () -> fit(store, query, policy), Choice::learned);
        } finally {
            if (close) {
                store.close();
            }
        }
    }

    private Choice fit(ChangeRecordStore store, RecordQuery query, LearningPolicy policy) {
        String scope = "deployments" + (policy.environment() == null ? "" : " to " + policy.environment())
                + " since " + query.since().toString().substring(0, 10);
        History history;
        try {
            history = History.fromRecords(store, query, nameOf(store), policy.incidentsAreFailures());
        } catch (History.NoAssessedDeployments e) {
            return new Choice(null, "the record store holds no " + scope + " with the metrics of an assessed change"
                    + " (the learned model needs " + String.format(Locale.ROOT, "%,d", policy.minOutcomes()) + ")", 0, 0);
        }
        int outcomes = history.size();
        int failures = history.failures();
        int good = outcomes - failures;
        if (outcomes < policy.minOutcomes() || failures < policy.minFailures() || good < policy.minFailures()) {
            return new Choice(null, String.format(Locale.ROOT,
                    "the record store holds %,d %s with assessed metrics, %,d of them failed; the learned model needs %,d,"
                            + " with at least %d failed and %d succeeded (learning.minOutcomes, learning.minFailures)",
                    outcomes, scope, failures, policy.minOutcomes(), policy.minFailures(), policy.minFailures()), outcomes, failures);
        }
        List<String> notes = new ArrayList<>();
        LearnedModel model = Backtest.train(history, notes);
        List<String> unused = new ArrayList<>(history.metricColumns().keySet());
        model.features().forEach(f -> unused.remove(f.name()));
        return new Choice(model, String.format(Locale.ROOT, "learned from %,d %s, %,d of them failed%s", outcomes, scope, failures,
                unused.isEmpty() ? "" : "; " + String.join(" and ", unused) + (unused.size() == 1 ? " is" : " are")
                        + " the same in all of them and not used")
                + (history.notes().isEmpty() ? "" : "; " + String.join("; ", history.notes())), outcomes, failures);
    }

    /**
     * A backtest over the selected records: the oldest 60% train, the newest 40% test.
     *
     * @param result the backtest, or null when it cannot run
     * @param reason why not, or null
     */
    public record StoreBacktest(BacktestResult result, String reason) {
    }

    /** Backtests a learned model on the records {@code query} selects, next to the default score. */
    public StoreBacktest backtest(ChangeRecordStore store, RecordQuery query) {
        return cached("backtest", store, query, null, () -> {
            try {
                History history = History.fromRecords(store, query, nameOf(store));
                return new StoreBacktest(Backtest.run(history, Backtest.Options.defaults()), null);
            } catch (RiskGateException e) {
                return new StoreBacktest(null, e.getMessage());
            }
        }, b -> b.result() != null);
    }

    /** The deployments a model learns from: the window's, from the start of today (UTC), so the query is the same all day. */
    public RecordQuery window(LearningPolicy policy) {
        Instant today = clock.instant().truncatedTo(ChronoUnit.DAYS);
        return new RecordQuery(policy.environment(), null, today.minus(policy.windowDays(), ChronoUnit.DAYS), null);
    }

    private record Cached<T>(String fingerprint, Instant at, T value) {
    }

    /**
     * The value computed for these records before, when they have not changed since, or when it was
     * {@code settled} (a model, a backtest) less than {@code maxAge} ago; else a new one.
     */
    @SuppressWarnings("unchecked")
    private <T> T cached(String kind, ChangeRecordStore store, RecordQuery query, LearningPolicy policy, Supplier<T> compute,
                         java.util.function.Predicate<T> settled) {
        String key = kind + '\n' + store.location() + '\n' + query + '\n' + policy;
        Cached<?> hit;
        synchronized (cache) {
            hit = cache.get(key);
        }
        Instant now = clock.instant();
        if (hit != null && settled.test((T) hit.value) && hit.at.plus(maxAge).isAfter(now)) {
            return (T) hit.value;
        }
        String fingerprint = fingerprint(store, query);
        if (hit != null && hit.fingerprint.equals(fingerprint)) {
            return (T) hit.value;
        }
        T value = compute.get();
        synchronized (cache) {
            cache.put(key, new Cached<>(fingerprint, now, value));
        }
        return value;
    }

    /** Changes when a matching record is added or replaced by a newer one: the count and the newest record. */
    private static String fingerprint(ChangeRecordStore store, RecordQuery query) {
        List<ChangeRecord> newest = store.page(query, 0, 1);
        ChangeRecord r = newest.isEmpty() ? null : newest.get(0);
        return store.count(query) + "/" + (r == null ? "" : r.id() + "/" + r.finishedAt() + "/" + r.outcome() + "/"
                + Objects.hashCode(r.metrics()));
    }
}
