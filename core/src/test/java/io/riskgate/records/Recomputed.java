package io.riskgate.records;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The aggregates of a set of records computed from scratch, the slow and obvious way, to compare the store's with. */
final class Recomputed {
    private Recomputed() {
    }

    /** For each failure: the earliest finish of a success of its pipeline and environment strictly after it, or null. */
    static Map<String, Long> restoreTimes(Collection<ChangeRecord> records) {
        Map<String, List<Long>> successes = new HashMap<>();
        for (ChangeRecord r : records) {
            if (!r.outcome().failure()) {
                successes.computeIfAbsent(r.pipeline() + "\n" + r.environment(), k -> new ArrayList<>()).add(r.finishedAt().toEpochMilli());
            }
        }
        Map<String, Long> result = new TreeMap<>();
        for (ChangeRecord r : records) {
            if (r.outcome().failure()) {
                long f = r.finishedAt().toEpochMilli();
                Long next = null;
                for (long s : successes.getOrDefault(r.pipeline() + "\n" + r.environment(), List.of())) {
                    if (s > f && (next == null || s < next)) {
                        next = s;
                    }
                }
                result.put(r.id(), next);
            }
        }
        return result;
    }

    /** The rows of days, weeks from Monday and calendar months (UTC), keyed as {@link JdbcChangeRecordStore#dayRows()} keys them. */
    static Map<String, DayAggregate> dayRows(Collection<ChangeRecord> records) {
        Map<String, Long> restored = restoreTimes(records);
        Map<String, DayAggregate> rows = new TreeMap<>();
        for (ChangeRecord r : records) {
            java.time.LocalDate date = r.finishedAt().atZone(java.time.ZoneOffset.UTC).toLocalDate();
            Map<String, java.time.LocalDate> starts = Map.of("D", date, "W", date.with(java.time.DayOfWeek.MONDAY), "M", date.withDayOfMonth(1));
            starts.forEach((period, start) -> rows.computeIfAbsent(period + "|" + r.pipeline() + "|" + r.environment() + "|"
                    + start.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli(), k -> new DayAggregate())
                    .add(DayAggregate.Facts.of(r, restored.get(r.id())), 1));
        }
        return rows;
    }

    /** The keys whose values differ, with both values. */
    static <V> Map<String, String> differences(Map<String, V> expected, Map<String, V> actual) {
        Map<String, String> d = new TreeMap<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
                d.put(k, "expected " + expected.get(k) + " but was " + actual.get(k));
            }
        }
        return d;
    }
}
