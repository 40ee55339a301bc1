package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordWriterTest {
    @TempDir
    Path tmp;

    static ChangeRecord record(String commit) {
        return new ChangeRecord(null, "shop", "production", commit, Instant.parse("2026-11-02T09:00:00Z"),
                Instant.parse("2026-11-02T10:00:00Z"), Instant.parse("2026-11-02T10:05:00Z"), Outcome.SUCCEEDED, 42, "MEDIUM",
                "default", "alice", "https://ci/job/shop/1/", null, null, "./rb.sh", null, 12, 0,
                "bob APPROVED 2026-11-02T09:59:00Z: \"fine, go\"", new ChangeRecord.Metrics(10, 2, 3, 2, 1, 0.5, 2, 1));
    }

    @Test
    void aFailingStoreSpoolsTheRecordAndTheNextWriteDeliversIt() throws Exception {
        Path storeDir = tmp.resolve("store");
        AtomicBoolean down = new AtomicBoolean(true);
        RecordSpool spool = new RecordSpool(tmp.resolve("spool"));
        RecordWriter writer = new RecordWriter(() -> {
            if (down.get()) {
                throw new RecordStoreException("database is down");
            }
            return RecordStores.open(storeDir.toString());
        }, spool);

        assertThat(writer.write(record("c1"))).isEqualTo(RecordWriter.Result.SPOOLED);
        assertThat(writer.write(record("c2"))).isEqualTo(RecordWriter.Result.SPOOLED);
        assertThat(spool.pending()).isEqualTo(2);
        assertThat(writer.retry()).as("still down").isZero();
        assertThat(spool.pending()).isEqualTo(2);

        down.set(false);
        assertThat(writer.write(record("c3"))).isEqualTo(RecordWriter.Result.WRITTEN);
        assertThat(spool.pending()).isZero();
        try (ChangeRecordStore store = RecordStores.open(storeDir.toString())) {
            assertThat(store.count(RecordQuery.ALL)).isEqualTo(3);
            assertThat(store.find(record("c1").id())).contains(record("c1"));
        }
    }

    @Test
    void retryFlushesWhatWaitsAndNothingTwice() throws Exception {
        RecordSpool spool = new RecordSpool(tmp.resolve("spool"));
        spool.spool(record("c1"));
        spool.spool(record("c1"));
        assertThat(spool.pending()).as("the same id is one file").isEqualTo(1);
        try (ChangeRecordStore store = RecordStores.open(tmp.resolve("store").toString())) {
            assertThat(spool.flush(store)).isEqualTo(1);
            assertThat(spool.flush(store)).isZero();
            assertThat(store.count(RecordQuery.ALL)).isEqualTo(1);
        }
        assertThat(Files.list(tmp.resolve("spool"))).isEmpty();
    }

    @Test
    void aSpooledRecordThatImportWouldRefuseIsStillDelivered() throws Exception {
        // a commit clock ahead of the controller's: import refuses such a record, the spool delivers it as it was written
        ChangeRecord skewed = new ChangeRecord(null, "shop", "production", "c9", Instant.parse("2026-11-02T10:30:00Z"),
                Instant.parse("2026-11-02T10:00:00Z"), Instant.parse("2026-11-02T10:05:00Z"), Outcome.SUCCEEDED, 42, "MEDIUM",
                null, null, null, null, null, null, null, null, null, null, ChangeRecord.Metrics.NONE);
        RecordSpool spool = new RecordSpool(tmp.resolve("spool"));
        spool.spool(skewed);
        try (ChangeRecordStore store = RecordStores.open(tmp.resolve("store").toString())) {
            assertThat(spool.flush(store)).isEqualTo(1);
            assertThat(store.find(skewed.id())).contains(skewed);
        }
    }

    @Test
    void anAcceptedRecordIsOnDiskBeforeTheStoreHasItAndAnotherProcessDeliversIt() throws Exception {
        Path storeDir = tmp.resolve("accepted-store");
        Path spoolDir = tmp.resolve("accepted-spool");
        ChangeRecord r = record("c9");
        // the process that accepted the record stops before its writer thread runs
        new RecordWriter(() -> {
            throw new AssertionError("accept does not touch the store");
        }, new RecordSpool(spoolDir)).accept(r);
        assertThat(new RecordSpool(spoolDir).pending()).isEqualTo(1);
        // the next process (a restart) delivers it, once, however often it retries
        RecordWriter next = new RecordWriter(() -> RecordStores.open(storeDir.toString()), new RecordSpool(spoolDir));
        assertThat(next.retry()).isEqualTo(1);
        assertThat(next.retry()).isZero();
        next.accept(r);
        assertThat(next.retry()).as("the same record again").isEqualTo(1);
        try (ChangeRecordStore store = RecordStores.openExisting(storeDir.toString())) {
            assertThat(store.count(new RecordQuery(null, null, null, null))).isEqualTo(1);
            assertThat(store.find(r.id())).isPresent();
        }
    }
}
