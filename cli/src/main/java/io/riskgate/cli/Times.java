package io.riskgate.cli;

import io.riskgate.RiskGateException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Times on the command line: ISO-8601 instants, dates (midnight UTC) or epoch seconds. */
final class Times {
    private Times() {
    }

    static Instant parse(String text, String option) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        try {
            if (t.matches("\\d{9,11}")) {
                return Instant.ofEpochSecond(Long.parseLong(t));
            }
            return t.length() == 10 ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(t);
        } catch (DateTimeException | NumberFormatException e) {
            throw new RiskGateException(option + " must be an ISO-8601 time (2026-11-24T10:15:30Z), a date (2026-11-24) or epoch seconds; got '" + text + "'");
        }
    }
}
