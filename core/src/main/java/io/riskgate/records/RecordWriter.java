package io.riskgate.records;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * Writes records so that none is lost: to the store, or, when the store fails, to the spool, from
 * which every later write (and {@link #retry}) first flushes what waits. Every outcome is reported
 * to the caller.
 */
public final class RecordWriter {
    /** What happened to a record. */
    public enum Result { WRITTEN, SPOOLED }

    private final Supplier<ChangeRecordStore> store;
    private final RecordSpool spool;

    /** @param store opens the store for one write (it is closed afterwards) */
    public RecordWriter(Supplier<ChangeRecordStore> store, RecordSpool spool) {
        this.store = store;
        this.spool = spool;
    }

    /**
     * Writes the record, with whatever the spool holds; if the store cannot take it, the record is
     * spooled and {@link Result#SPOOLED} returned. Throws only when neither works (the disk too).
     */
    public Result write(ChangeRecord record) throws IOException {
        try (ChangeRecordStore s = store.get()) {
            spool.flush(s);
            s.save(record);
            return Result.WRITTEN;
        } catch (RuntimeException e) {
            spool.spool(record);
            return Result.SPOOLED;
        }
    }

    /**
     * Takes a record to be written later: it is in the spool, on disk, before this returns, so a
     * process that stops before the store has it loses nothing. {@link #retry} (or the next
     * {@link #write}) moves it into the store, and writing the same record twice stores it once.
     */
    public void accept(ChangeRecord record) throws IOException {
        spool.spool(record);
    }

    /** Flushes the spool; returns how many records were written (0 when the store still fails). */
    public int retry() throws IOException {
        if (spool.pending() == 0) {
            return 0;
        }
        try (ChangeRecordStore s = store.get()) {
            return spool.flush(s);
        } catch (RecordStoreException e) {
            return 0;
        }
    }
}
