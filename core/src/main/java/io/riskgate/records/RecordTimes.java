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
        Instant i = canonical(t);
        return within(i != null ? i : general(t));
    }

    /** The general parsers alone (the text stripped), for every form; null when it is none. */
    static Instant general(String t) {
        try {
            if (t.length() >= 9 && t.length() <= 11 && digits(t, 0, t.length())) {
                return Instant.ofEpochSecond(Long.parseLong(t));
            } else if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else if (t.endsWith("Z") || t.endsWith("z")) {
                return Instant.parse(t.toUpperCase(java.util.Locale.ROOT));
            } else {
                return java.time.OffsetDateTime.parse(t).toInstant();
            }
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
    }

    private static Instant within(Instant i) {
        return i == null || i.isBefore(EARLIEST) || !i.isBefore(LATEST) ? null : i;
    }

    /**
     * The form every export and most tools write, {@code 2026-11-24T10:15:30Z}, read without the
     * general parser (an import reads millions of them); null for any other text, which the general
     * parser then reads or refuses as before.
     */
    private static Instant canonical(String t) {
        if (t.length() != 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':' || t.charAt(19) != 'Z' || !digits(t, 0, 4) || !digits(t, 5, 7) || !digits(t, 8, 10)
                || !digits(t, 11, 13) || !digits(t, 14, 16) || !digits(t, 17, 19)) {
            return null;
        }
        int hour = number(t, 11, 13);
        int minute = number(t, 14, 16);
        int second = number(t, 17, 19);
        if (hour > 23 || minute > 59 || second > 59) {
            return null;   // the general parser's rules (a leap second, 24:00) apply
        }
        try {
            return java.time.LocalDateTime.of(number(t, 0, 4), number(t, 5, 7), number(t, 8, 10), hour, minute, second)
                    .toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;   // no such day: the general parser refuses it
        }
    }

    private static boolean digits(String t, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(String t, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n = n * 10 + (t.charAt(i) - '0');
        }
        return n;
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
