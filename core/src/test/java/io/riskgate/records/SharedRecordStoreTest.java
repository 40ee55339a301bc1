package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedRecordStoreTest {
    @TempDir
    Path tmp;

    @Test
    void viewsShareOneOpenStoreUntilTheSharedOneIsClosed() {
        AtomicInteger opened = new AtomicInteger();
        Path dir = tmp.resolve("store");
        try (SharedRecordStore shared = new SharedRecordStore(dir.toString(), () -> {
            opened.incrementAndGet();
            return RecordStores.open(dir.toString());
        })) {
            try (ChangeRecordStore a = shared.view()) {
                a.save(RecordWriterTest.record("c1"));
            }
            try (ChangeRecordStore b = shared.view()) {
                assertThat(b.count(new RecordQuery(null, null, null, null))).isEqualTo(1);
            }
            assertThat(opened).as("opened once for both").hasValue(1);
            assertThat(shared.isOpen()).isTrue();
            shared.close();
            assertThat(shared.isOpen()).isFalse();
            try (ChangeRecordStore c = shared.view()) {
                assertThat(c.count(new RecordQuery(null, null, null, null))).isEqualTo(1);
            }
            assertThat(opened).as("opened again after a close").hasValue(2);
        }
    }

    @Test
    void aFailedOpenIsTriedAgainOnTheNextView() {
        AtomicInteger attempts = new AtomicInteger();
        Path dir = tmp.resolve("later");
        SharedRecordStore shared = new SharedRecordStore("k", () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new RecordStoreException("not yet");
            }
            return RecordStores.open(dir.toString());
        });
        try {
            shared.view();
        } catch (RecordStoreException expected) {
            assertThat(expected).hasMessage("not yet");
        }
        assertThat(shared.isOpen()).isFalse();
        try (ChangeRecordStore s = shared.view()) {
            assertThat(s.location()).contains("later");
        }
        shared.close();
    }
}
