package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JdbcChangeRecordStore#compact()} on an embedded store, with other real processes where it matters. */
class H2CompactionTest {
    private static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");

    @TempDir
    Path dir;

    private static ChangeRecord record(Random random, int i) {
        Instant finished = T0.plus(Duration.ofMinutes(i * 7L + random.nextInt(5)));
        Outcome outcome = random.nextInt(6) == 0 ? Outcome.FAILED : Outcome.SUCCEEDED;
        return new ChangeRecord("r-" + i, "p" + random.nextInt(5), random.nextBoolean() ? "production" : "staging", "c" + i,
                finished.minusSeconds(3600 + random.nextInt(86_400)), finished.minusSeconds(60), finished, outcome, random.nextInt(101),
                "LOW", null, "someone", null, null, null, null, null, null, null, null, ChangeRecord.Metrics.NONE);
    }

    /** What a report reads of the store: every deployment's count, the DORA figures, a weekly trend and the records of a day. */
    private static String summary(ChangeRecordStore s) {
        RecordQuery day = new RecordQuery(null, null, T0.plus(Duration.ofDays(30)), T0.plus(Duration.ofDays(31)));
        return s.count(RecordQuery.ALL) + "\n" + s.dora(RecordQuery.ALL) + "\n" + s.trend(RecordQuery.ALL, Duration.ofDays(7)) + "\n"
                + s.page(day, 0, 1000);
    }

    @Test
    void compactingShrinksAStoreWrittenInLargeWritesAndKeepsEveryRecordAndAggregate() {
        Path store = dir.resolve("store");
        Random random = new Random(42);
        String before;
        long size;
        try (JdbcChangeRecordStore s = JdbcChangeRecordStore.embedded(store)) {
            for (int batch = 0; batch < 3; batch++) {
                List<ChangeRecord> records = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    records.add(record(random, batch * 10_000 + i));
                }
                s.write(records);
            }
            before = summary(s);
            JdbcChangeRecordStore.Compaction c = s.compact();
            assertThat(c.bytesAfter()).isPositive().isLessThan(c.bytesBefore() / 2);
            size = c.bytesAfter();
            assertThat(Files.exists(store.resolve("records.mv.db"))).isTrue();
            // the same store object goes on after the compaction: it reads and writes as before
            assertThat(summary(s)).isEqualTo(before);
            s.save(record(random, 30_000));
            assertThat(s.count(RecordQuery.ALL)).isEqualTo(30_001);
        }
        assertThat(size).isLessThan(30_000L * 1024);
        try (ChangeRecordStore s = RecordStores.openExisting(store.toString())) {
            assertThat(s.count(RecordQuery.ALL)).isEqualTo(30_001);
            assertThat(s.page(new RecordQuery(null, null, T0.plus(Duration.ofDays(30)), T0.plus(Duration.ofDays(31))), 0, 1000).toString())
                    .isEqualTo(before.substring(before.lastIndexOf('\n') + 1));
        }
    }

    @Test
    void aStoreThatAnotherProcessServesIsNotCompacted() throws Exception {
        Path store = dir.resolve("store");
        Process writer = StoreProcesses.java(store.toString(), "w", "0").start();
        try {
            BufferedReader out = StoreProcesses.lines(writer);
            assertThat(out.readLine()).isEqualTo("saved w-0");
            try (JdbcChangeRecordStore s = JdbcChangeRecordStore.embedded(store, false, Duration.ofSeconds(5))) {
                assertThatThrownBy(s::compact).isInstanceOf(RecordStoreUnavailableException.class)
                        .hasMessageContaining("is open in another process, which serves it to this one");
                assertThat(s.count(RecordQuery.ALL)).isPositive();
            }
            // the other process went on writing
            String last = out.readLine();
            assertThat(last).startsWith("saved w-");
            assertThat(writer.isAlive()).isTrue();
        } finally {
            writer.destroyForcibly().waitFor();
        }
    }

    @Test
    void aStoreWithAnotherProcessConnectedIsNotCompactedAndThatProcessGoesOn() throws Exception {
        Path store = dir.resolve("store");
        try (JdbcChangeRecordStore s = JdbcChangeRecordStore.embedded(store, true, Duration.ofSeconds(1))) {
            s.save(record(new Random(1), 0));
            Process writer = StoreProcesses.java(store.toString(), "w", "0").start();
            try {
                BufferedReader out = StoreProcesses.lines(writer);
                assertThat(out.readLine()).isEqualTo("saved w-0");
                assertThatThrownBy(s::compact).isInstanceOf(RecordStoreUnavailableException.class)
                        .hasMessageContaining("is still in use by 1 other process");
                long seen = Long.parseLong(out.readLine().substring("saved w-".length()));
                String later;
                do {
                    later = out.readLine();
                } while (later != null && Long.parseLong(later.substring("saved w-".length())) < seen + 3);
                assertThat(later).as("the connected writer goes on after the refused compaction").isNotNull();
                assertThat(s.count(RecordQuery.ALL)).isGreaterThan(seen);
            } finally {
                writer.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void onlyAnEmbeddedStoreIsCompacted() {
        try (JdbcChangeRecordStore s = JdbcChangeRecordStore.connect("jdbc:h2:mem:compaction;DB_CLOSE_DELAY=-1", null, null)) {
            assertThat(s.isEmbedded()).isFalse();
            assertThatThrownBy(s::compact).isInstanceOf(RecordStoreException.class).hasMessageContaining("only an embedded record store");
        }
    }
}
