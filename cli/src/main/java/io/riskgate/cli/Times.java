package io.riskgate.cli;

import io.riskgate.RiskGateException;
import io.riskgate.records.RecordTimes;
import java.time.Instant;

/** Times on the command line: ISO-8601 instants, dates (midnight UTC) or epoch seconds. */
final class Times {
    private Times() {
    }

    static Instant parse(String text, String option) {
        if (text == null) {
            return null;
        }
        Instant t = RecordTimes.parseOrNull(text);
        if (t == null) {
            throw new RiskGateException(option + " must be " + RecordTimes.FORMATS + ", in the years 1900 to 9999; got " + RecordTimes.quote(text));
        }
        return t;
    }
}
