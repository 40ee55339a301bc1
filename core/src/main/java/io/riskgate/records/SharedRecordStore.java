package io.riskgate.records;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One open store shared by every user of a long-running process (a Jenkins controller): its
 * connection and schema check happen once, not per request. {@link #view()} hands out views whose
 * {@code close()} does nothing, so callers keep their try-with-resources; {@link #close()} closes
 * the store itself (at shutdown, or when its settings change). Calls are serialised by the store.
 */
public final class SharedRecordStore implements AutoCloseable {
    private final String key;
    private final Supplier<ChangeRecordStore> opener;
    private ChangeRecordStore store;

    /** @param key what identifies the store's settings (a location, a URL and user): another key means another store */
    public SharedRecordStore(String key, Supplier<ChangeRecordStore> opener) {
        this.key = key;
        this.opener = opener;
    }

    public String key() {
        return key;
    }

    /** The shared store, opened on first use (and again after a failed open), behind a view that does not close it. */
    public synchronized ChangeRecordStore view() {
        if (store == null) {
            store = opener.get();
        }
        return new View(store);
    }

    /** Whether the store is open now. */
    public synchronized boolean isOpen() {
        return store != null;
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            try {
                store.close();
            } finally {
                store = null;
            }
        }
    }

    /** Every call goes to the shared store, except {@code close()}. */
    private record View(ChangeRecordStore store) implements ChangeRecordStore {
        @Override
        public void save(ChangeRecord record) {
            store.save(record);
        }

        @Override
        public int saveAll(Collection<ChangeRecord> records) {
            return store.saveAll(records);
        }

        @Override
        public Saved write(Collection<ChangeRecord> records) {
            return store.write(records);
        }

        @Override
        public Optional<ChangeRecord> find(String id) {
            return store.find(id);
        }

        @Override
        public long count(RecordQuery query) {
            return store.count(query);
        }

        @Override
        public List<ChangeRecord> page(RecordQuery query, int offset, int limit) {
            return store.page(query, offset, limit);
        }

        @Override
        public void forEach(RecordQuery query, Consumer<ChangeRecord> consumer) {
            store.forEach(query, consumer);
        }

        @Override
        public DoraMetrics dora(RecordQuery query) {
            return store.dora(query);
        }

        @Override
        public List<TrendPoint> trend(RecordQuery query, java.time.Duration bucket) {
            return store.trend(query, bucket);
        }

        @Override
        public ScoreCounts scores(RecordQuery query) {
            return store.scores(query);
        }

        @Override
        public List<PipelineActivity> activity(RecordQuery query, java.time.Instant exercisedSince, java.time.Instant failuresSince,
                                               String productionEnvironment, int examples) {
            return store.activity(query, exercisedSince, failuresSince, productionEnvironment, examples);
        }

        @Override
        public String location() {
            return store.location();
        }

        @Override
        public IncidentStore incidents() {
            return store.incidents();
        }

        @Override
        public void close() {
            // the shared store stays open
        }
    }
}
