package io.riskgate.records;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;

/** What fits in the store's columns (schema V1), checked before a write so errors name the record and the field. */
public final class StoreLimits {
    private record Limit(String field, int max, Function<ChangeRecord, String> value) {
    }

    private static final Limit[] LIMITS = {
        new Limit("id", 128, ChangeRecord::id),
        new Limit("pipeline", 512, ChangeRecord::pipeline),
        new Limit("environment", 128, ChangeRecord::environment),
        new Limit("commit", 64, ChangeRecord::commit),
        new Limit("riskLevel", 16, ChangeRecord::riskLevel),
        new Limit("riskModel", 64, ChangeRecord::riskModel),
        new Limit("startedBy", 256, ChangeRecord::startedBy),
        new Limit("buildUrl", 2048, ChangeRecord::buildUrl),
        new Limit("runbookUrl", 2048, ChangeRecord::runbookUrl),
        new Limit("pirUrl", 2048, ChangeRecord::pirUrl),
        new Limit("rollbackCommand", 4096, ChangeRecord::rollbackCommand),
        new Limit("approvals", 16384, ChangeRecord::approvals),
    };
    /** Times the store holds: epoch milliseconds within a long. */
    private static final Instant MIN = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant MAX = Instant.ofEpochMilli(Long.MAX_VALUE);

    private StoreLimits() {
    }

    /** Throws, naming the record and the field, when a value does not fit its column. */
    public static void check(ChangeRecord r) {
        for (Limit l : LIMITS) {
            String v = l.value().apply(r);
            if (v != null && v.length() > l.max()) {
                throw new RecordStoreException("record " + shortId(r.id()) + ": " + l.field() + " has " + v.length()
                        + " characters, more than the " + l.max() + " the store holds: shorten it");
            }
        }
        time(r, "commitTime", r.commitTime());
        time(r, "startedAt", r.startedAt());
        time(r, "finishedAt", r.finishedAt());
        time(r, "rollbackExercisedAt", r.rollbackExercisedAt());
    }

    private static void time(ChangeRecord r, String field, Instant t) {
        if (t != null && (t.isBefore(MIN) || t.isAfter(MAX))) {
            throw new RecordStoreException("record " + shortId(r.id()) + ": " + field + " " + t + " is outside the times the store holds");
        }
    }

    private static String shortId(String id) {
        return id.length() > 80 ? id.substring(0, 80) + "..." : id;
    }

    /** The record as the store gives it back: times to the millisecond. */
    static ChangeRecord storedForm(ChangeRecord r) {
        return new ChangeRecord(r.id(), r.pipeline(), r.environment(), r.commit(), ms(r.commitTime()), ms(r.startedAt()),
                ms(r.finishedAt()), r.outcome(), r.riskScore(), r.riskLevel(), r.riskModel(), r.startedBy(), r.buildUrl(),
                r.runbookUrl(), r.pirUrl(), r.rollbackCommand(), ms(r.rollbackExercisedAt()), r.testsTotal(), r.testsFailed(),
                r.approvals(), r.metrics(), r.verification());
    }

    private static Instant ms(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }
}
