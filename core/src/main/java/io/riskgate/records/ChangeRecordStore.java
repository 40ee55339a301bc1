package io.riskgate.records;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where change records live. Writes are transactional and idempotent by id; reads stream, so no
 * report holds all records in memory. Implementations: {@link JdbcChangeRecordStore} over embedded
 * H2 (the default) or PostgreSQL.
 */
public interface ChangeRecordStore extends AutoCloseable {
    /** Inserts the record, or replaces the one with the same id. */
    void save(ChangeRecord record);

    /** Saves all records in one transaction: all or none. Returns how many were written. */
    int saveAll(Collection<ChangeRecord> records);

    /**
     * Saves all records in one transaction, all or none, and says what changed: records new to the
     * store, stored ones replaced by a changed version, and ones already stored as given (not rewritten).
     */
    Saved write(Collection<ChangeRecord> records);

    /** What a write did to the store. */
    record Saved(int added, int replaced, int unchanged) {
        public int total() {
            return added + replaced + unchanged;
        }
    }

    Optional<ChangeRecord> find(String id);

    long count(RecordQuery query);

    /** A page of records, newest first (by finish time, then id). */
    List<ChangeRecord> page(RecordQuery query, int offset, int limit);

    /** Every matching record, oldest first, streamed. */
    void forEach(RecordQuery query, Consumer<ChangeRecord> consumer);

    /** The DORA metrics of the matching records, computed in the database. */
    DoraMetrics dora(RecordQuery query);

    /** Deployments, failures and median lead time per bucket of finish times, oldest first, computed in the database. */
    List<TrendPoint> trend(RecordQuery query, java.time.Duration bucket);

    /** The incidents and post-incident reviews kept with these records. */
    default IncidentStore incidents() {
        throw new UnsupportedOperationException("this record store keeps no incidents");
    }

    /** Where the records are, for messages (a path or a JDBC URL without credentials). */
    String location();

    @Override
    void close();
}
