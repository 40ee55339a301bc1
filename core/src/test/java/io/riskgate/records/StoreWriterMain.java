package io.riskgate.records;

import java.time.Duration;
import java.time.Instant;

/**
 * A process that writes change records, for the tests that run many of them against one store:
 * {@code StoreWriterMain STORE PREFIX COUNT} opens STORE (a directory or a JDBC URL), saves COUNT
 * records with ids PREFIX-0, PREFIX-1, ... one write each, and prints "saved ID" once each write has
 * returned. COUNT 0 writes until the process is killed. {@code StoreWriterMain STORE --count}
 * prints the number of records. {@code StoreWriterMain STORE PREFIX COUNT mixed} writes successes,
 * failures and rollbacks whose times interleave with other writers' of the same pipeline and
 * environment, and rewrites some of its earlier records with another outcome, time or environment.
 * Errors: one line on stderr, exit 1.
 */
public final class StoreWriterMain {
    private StoreWriterMain() {
    }

    public static void main(String[] args) {
        try (ChangeRecordStore store = open(args[0])) {
            if (args[1].equals("--count")) {
                System.out.println(store.count(RecordQuery.ALL));
                return;
            }
            String prefix = args[1];
            long count = Long.parseLong(args[2]);
            Instant t0 = Instant.parse("2026-11-02T00:00:00Z");
            if (args.length > 3 && args[3].equals("mixed")) {
                mixed(store, prefix, count, t0);
                return;
            }
            for (long i = 0; count == 0 || i < count; i++) {
                Instant finished = t0.plus(Duration.ofMinutes(i));
                String id = prefix + "-" + i;
                store.save(new ChangeRecord(id, "shop", "production", "c" + i, finished.minusSeconds(3600), finished.minusSeconds(60),
                        finished, Outcome.SUCCEEDED, 10, "LOW", null, "writer " + prefix, null, null, null, null, null, null, null,
                        null, ChangeRecord.Metrics.NONE));
                System.out.println("saved " + id);
                System.out.flush();
            }
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void mixed(ChangeRecordStore store, String prefix, long count, Instant t0) {
        java.util.Random random = new java.util.Random(prefix.hashCode());
        for (long i = 0; i < count; i++) {
            store.save(mixedRecord(prefix + "-" + i, t0, random));
            if (i >= 5 && random.nextInt(3) == 0) {
                // an earlier record again, changed: another outcome and time, sometimes another environment
                store.save(mixedRecord(prefix + "-" + (i - 1 - random.nextInt(5)), t0, random));
            }
            if (i % 10 == 9) {
                java.util.List<ChangeRecord> batch = new java.util.ArrayList<>();
                for (int j = 0; j < 5; j++) {
                    batch.add(mixedRecord(prefix + "-b" + i + "-" + j, t0, random));
                }
                store.saveAll(batch);
            }
            System.out.println("saved " + prefix + "-" + i);
            System.out.flush();
        }
    }

    private static ChangeRecord mixedRecord(String id, Instant t0, java.util.Random random) {
        Instant finished = t0.plus(Duration.ofMinutes(random.nextInt(3 * 24 * 60)));
        Outcome outcome = random.nextInt(3) == 0 ? Outcome.FAILED : random.nextInt(8) == 0 ? Outcome.ROLLED_BACK : Outcome.SUCCEEDED;
        return new ChangeRecord(id, "shop", random.nextInt(6) == 0 ? "staging" : "production", "c" + id, finished.minusSeconds(
                60 + random.nextInt(7200)), finished.minusSeconds(30), finished, outcome, random.nextInt(101), "LOW", null, null, null, null,
                random.nextBoolean() ? "https://pir/" + id : null, null, null, null, null, null, ChangeRecord.Metrics.NONE);
    }

    private static ChangeRecordStore open(String spec) {
        if (spec.startsWith("jdbc:h2:")) {
            return JdbcChangeRecordStore.connect(spec, null, null);
        }
        return RecordStores.open(spec);
    }
}
