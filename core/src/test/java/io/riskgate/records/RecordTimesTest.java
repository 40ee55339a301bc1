package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecordTimesTest {
    /** The text as the general parsers alone read it (within the years the records allow): what every text must still read as. */
    static Instant general(String text) {
        Instant i = RecordTimes.general(text.strip());
        return i == null || i.isBefore(RecordTimes.EARLIEST) || !i.isBefore(RecordTimes.LATEST) ? null : i;
    }

    @Test
    void theCommonFormReadsAsTheGeneralParserReadsIt() {
        String[] cases = {"2026-11-24T10:15:30Z", "2026-11-24T10:15:30z", " 2026-11-24T10:15:30Z ", "2024-02-29T23:59:59Z",
            "2023-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-13-01T10:00:00Z", "2026-00-10T10:00:00Z", "2026-11-00T10:00:00Z",
            "2026-11-24T24:00:00Z", "2026-11-24T23:60:00Z", "2026-11-24T23:59:60Z", "1899-12-31T23:59:59Z", "1900-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "2026-11-24 10:15:30Z", "2026-11-24T10:15:3aZ", "2026-11-24T10:15:30+01:00",
            "2026-11-24T10:15:30.5Z", "2026-11-24", "1764000000", "17640000000", "176400000", "12345678", "١٢٣٤٥٦٧٨٩٠", "", "Z"};
        for (String c : cases) {
            assertThat(RecordTimes.parseOrNull(c)).as(c).isEqualTo(general(c));
        }
        assertThat(RecordTimes.parseOrNull("2026-11-24T10:15:30Z")).isEqualTo(Instant.parse("2026-11-24T10:15:30Z"));
        assertThat(RecordTimes.parseOrNull("2023-02-29T10:00:00Z")).as("no such day").isNull();
        assertThat(RecordTimes.parseOrNull("1764000000")).isEqualTo(Instant.ofEpochSecond(1_764_000_000L));
        assertThat(RecordTimes.parseOrNull(" 176400000 ")).isEqualTo(Instant.ofEpochSecond(176_400_000L));
        assertThat(RecordTimes.parseOrNull("12345678")).as("too few digits for epoch seconds").isNull();
        assertThat(RecordTimes.parseOrNull("2026-11-24")).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
    }

    @Test
    void randomTextsOfTheCommonShapeReadAsTheGeneralParserReadsThem() {
        SplittableRandom random = new SplittableRandom(11);
        String alphabet = "0123456789-:TZz +.";
        int times = 0;
        for (int n = 0; n < 200_000; n++) {
            StringBuilder t = new StringBuilder(String.format(java.util.Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                    random.nextInt(10_000), random.nextInt(14), random.nextInt(33), random.nextInt(26), random.nextInt(62), random.nextInt(62)));
            if (random.nextInt(4) == 0) {
                // a character replaced: separators, digits and letters out of place
                t.setCharAt(random.nextInt(t.length()), alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = t.toString();
            Instant expected = general(text);
            times += expected == null ? 0 : 1;
            assertThat(RecordTimes.parseOrNull(text)).as(text).isEqualTo(expected);
        }
        assertThat(times).as("enough of them are times").isGreaterThan(50_000);
    }
}
