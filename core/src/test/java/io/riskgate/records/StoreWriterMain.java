package io.riskgate.records;

import java.time.Duration;
import java.time.Instant;

/**
 * A process that writes change records, for the tests that run many of them against one store:
 * {@code StoreWriterMain STORE PREFIX COUNT} opens STORE (a directory or a JDBC URL), saves COUNT
 * records with ids PREFIX-0, PREFIX-1, ... one write each, and prints "saved ID" once each write has
 * returned. COUNT 0 writes until the process is killed. {@code StoreWriterMain STORE --count}
 * prints the number of records. Errors: one line on stderr, exit 1.
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

    private static ChangeRecordStore open(String spec) {
        if (spec.startsWith("jdbc:h2:")) {
            return JdbcChangeRecordStore.connect(spec, null, null);
        }
        return RecordStores.open(spec);
    }
}
