package io.riskgate.records;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The times of change records, as given on the command line and in imported CSV alike: ISO-8601
 * instants ({@code 2026-11-24T10:15:30Z}, or with an offset), dates (midnight UTC) or epoch seconds;
 * years 1900 to 9999.
 */
public final class RecordTimes {
    /** The earliest and the first refused time: a deployment is dated between them. */
    public static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");
    public static final String FORMATS = "an ISO-8601 time (2026-11-24T10:15:30Z), a date (2026-11-24) or epoch seconds";

    private RecordTimes() {
    }

    /** The time, or null when the text is not one (or outside the years 1900 to 9999). */
    public static Instant parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        Instant i;
        try {
            if (t.matches("\\d{9,11}")) {
                i = Instant.ofEpochSecond(Long.parseLong(t));
            } else if (t.length() == 10) {
                i = LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else if (t.endsWith("Z") || t.endsWith("z")) {
                i = Instant.parse(t.toUpperCase(java.util.Locale.ROOT));
            } else {
                i = java.time.OffsetDateTime.parse(t).toInstant();
            }
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
        return i.isBefore(EARLIEST) || !i.isBefore(LATEST) ? null : i;
    }

    /** The time to the millisecond, as the store keeps it (null stays null). */
    public static Instant millis(Instant t) {
        return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** A cell or argument for an error message: at most 80 characters, one line. */
    public static String quote(String text) {
        String t = text.replaceAll("[\\p{Cntrl}]", "?");
        return "'" + (t.length() > 80 ? t.substring(0, 80) + "...' (" + t.length() + " characters)" : t + "'");
    }
}
