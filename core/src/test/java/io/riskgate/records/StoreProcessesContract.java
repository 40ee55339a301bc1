package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One store used by processes killed with -9 while they write. (Twenty processes sharing one store:
 * on PostgreSQL in {@link PostgresStoreProcessesTest}, on the embedded store with real riskgate
 * commands in the CLI's tests.)
 */
abstract class StoreProcessesContract {
    /** An empty store (no schema yet) as a {@code --store} argument. */
    abstract String emptyStore();

    @Test
    void aWriteThatReturnedSurvivesKillMinus9() throws Exception {
        String store = emptyStore();
        Random random = new Random(20261201);
        Set<String> returned = new LinkedHashSet<>();
        for (int round = 0; round < 4; round++) {
            Process writer = StoreProcesses.java(store, "k" + round, "0").start();
            BufferedReader out = StoreProcesses.lines(writer);
            int killAfter = 1 + random.nextInt(60);
            for (int seen = 0; seen < killAfter; seen++) {
                String line = out.readLine();
                assertThat(line).as("writer output before the kill (stderr: %s)", writer.isAlive() ? "" : new String(
                        writer.getErrorStream().readAllBytes())).isNotNull();
                returned.add(line.substring("saved ".length()));
            }
            Thread.sleep(random.nextInt(15));
            writer.toHandle().destroyForcibly();   // SIGKILL: no shutdown hook, no close (and the pipe keeps what was printed)
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                returned.add(line.substring("saved ".length()));   // printed before the kill, still in the pipe
            }
        }
        assertThat(returned.size()).isGreaterThan(4);
        try (ChangeRecordStore s = RecordStores.open(store)) {
            List<String> lost = returned.stream().filter(id -> s.find(id).isEmpty()).toList();
            assertThat(lost).as("records whose write returned, of %d", returned.size()).isEmpty();
        }
    }

    @Test
    void concurrentWritersOfOnePipelineAndEnvironmentLoseNoCountAndNoRestoreTime() throws Exception {
        String store = emptyStore();
        try (ChangeRecordStore s = RecordStores.open(store)) {
            s.save(ChangeRecord.of("shop", "production", "first", null, java.time.Instant.parse("2026-11-01T00:00:00Z"),
                    java.time.Instant.parse("2026-11-01T00:01:00Z"), Outcome.SUCCEEDED, 1, "LOW"));
        }
        List<Process> writers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            writers.add(StoreProcesses.java(store, "m" + i, "40", "mixed").start());
        }
        List<String> errors = new ArrayList<>();
        for (Process p : writers) {
            StoreProcesses.Result r = StoreProcesses.await(p, 180);
            if (r.exit() != 0) {
                errors.add(r.err().strip());
            }
        }
        assertThat(errors).as("errors of 4 concurrent writers").isEmpty();
        try (JdbcChangeRecordStore s = (JdbcChangeRecordStore) RecordStores.open(store)) {
            List<ChangeRecord> all = new ArrayList<>();
            s.forEach(RecordQuery.ALL, all::add);
            assertThat(all).hasSizeGreaterThan(4 * 40);
            assertThat(Recomputed.differences(Recomputed.dayRows(all), s.dayRows())).as("day rows that differ").isEmpty();
            assertThat(s.restoreTimes()).isEqualTo(Recomputed.restoreTimes(all));
            assertThat(s.count(RecordQuery.ALL)).isEqualTo(all.size());
        }
    }
}
