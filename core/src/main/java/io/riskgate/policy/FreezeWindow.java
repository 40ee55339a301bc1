package io.riskgate.policy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** A time when promotions into an environment are frozen: a recurring weekly window or a one-off date range. */
public sealed interface FreezeWindow {
    String name();

    boolean covers(Instant when);

    /** Words for messages: "weekend (FRI 18:00 to MON 08:00 Europe/Berlin)". */
    String describe();

    /** Every week from {@code fromDay fromTime} to {@code toDay toTime} (which may wrap over the week's end). */
    record Weekly(String name, DayOfWeek fromDay, LocalTime fromTime, DayOfWeek toDay, LocalTime toTime, ZoneId zone)
            implements FreezeWindow {
        @Override
        public boolean covers(Instant when) {
            ZonedDateTime t = when.atZone(zone);
            int now = minuteOfWeek(t.getDayOfWeek(), t.toLocalTime());
            int from = minuteOfWeek(fromDay, fromTime);
            int to = minuteOfWeek(toDay, toTime);
            return from <= to ? now >= from && now < to : now >= from || now < to;
        }

        private static int minuteOfWeek(DayOfWeek day, LocalTime time) {
            return (day.getValue() - 1) * 24 * 60 + time.getHour() * 60 + time.getMinute();
        }

        @Override
        public String describe() {
            return name + " (" + day(fromDay) + " " + fromTime + " to " + day(toDay) + " " + toTime + " " + zone + ")";
        }

        private static String day(DayOfWeek d) {
            return d.getDisplayName(TextStyle.SHORT, Locale.ROOT).toUpperCase(Locale.ROOT);
        }
    }

    /** Once, from {@code from} (inclusive) to {@code to} (exclusive), in {@code zone}. */
    record Dates(String name, LocalDateTime from, LocalDateTime to, ZoneId zone) implements FreezeWindow {
        @Override
        public boolean covers(Instant when) {
            return !when.isBefore(from.atZone(zone).toInstant()) && when.isBefore(to.atZone(zone).toInstant());
        }

        @Override
        public String describe() {
            return name + " (" + from + " to " + to + " " + zone + ")";
        }
    }
}
