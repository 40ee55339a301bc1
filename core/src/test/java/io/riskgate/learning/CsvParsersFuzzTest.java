package io.riskgate.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.RiskGateException;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordCsv;
import io.riskgate.testing.TestRecords;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Generated and mutated inputs for the two CSV parsers (records import, backtest history), with a
 * fixed seed: every input ends in a value or in one clear error (one line, bounded length), never
 * in another exception.
 */
class CsvParsersFuzzTest {
    private static final String[] PIECES = {",", "\"", "\"\"", "\n", "\r\n", "\r", "\uFEFF", "'", "=", "-", "+", "@", "\t", " ", "\u0000",
        "é", "\uD83D\uDE00", "\uD800", "Z", ":", "T", "NaN", "Infinity", "-1", "1e309", "99999999999999999999", "+999999999-12-31T23:59:59Z",
        "-999999999-01-01T00:00:00Z", "2026-02-30", "1793613600", "9".repeat(40), "SUCCEEDED", "failed", "ROLLED_BACK", "BLOCKED", "true",
        "id", "outcome", "finishedAt", "linesAdded", "entropy", "riskScore", ",,,,,,,,", "\"a\nb\"", "x".repeat(5000)};

    static String export(int count, long seed) {
        List<ChangeRecord> records = TestRecords.sized(count, "production", Instant.parse("2026-01-01T00:00:00Z"), Duration.ofHours(5), seed);
        StringWriter w = new StringWriter();
        ChangeRecordCsv.write(records, w);
        return w.toString();
    }

    static String mutate(String text, Random random) {
        StringBuilder s = new StringBuilder(text);
        int edits = 1 + random.nextInt(6);
        for (int e = 0; e < edits; e++) {
            int at = s.length() == 0 ? 0 : random.nextInt(s.length());
            switch (random.nextInt(6)) {
                case 0 -> s.insert(at, PIECES[random.nextInt(PIECES.length)]);
                case 1 -> s.replace(at, Math.min(s.length(), at + 1 + random.nextInt(8)), PIECES[random.nextInt(PIECES.length)]);
                case 2 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(40)));
                case 3 -> s.setLength(at);
                case 4 -> {
                    int end = Math.min(s.length(), at + random.nextInt(200));
                    s.insert(end, s.substring(at, end));
                }
                default -> s.setCharAt(Math.min(at, Math.max(0, s.length() - 1)) , (char) random.nextInt(128));
            }
            if (s.length() == 0) {
                break;
            }
        }
        return s.toString();
    }

    static String generated(Random random) {
        StringBuilder s = new StringBuilder();
        int rows = random.nextInt(6);
        int columns = 1 + random.nextInt(10);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                s.append(c == 0 ? "" : ",").append(PIECES[random.nextInt(PIECES.length)]);
            }
            s.append(random.nextBoolean() ? "\n" : "\r\n");
        }
        return s.toString();
    }

    /** Runs the parser; returns a failure description, or null when it ended in a value or one clear error. */
    static String attempt(String input, Consumer<String> parser) {
        try {
            parser.accept(input);
            return null;
        } catch (RiskGateException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.contains("\n") || m.contains("\r") || m.length() > 1000) {
                return "unclear error (" + (m == null ? "null" : m.length() + " chars") + "): " + cut(m);
            }
            return null;
        } catch (RuntimeException | Error e) {
            return e + " for input " + cut(input);
        }
    }

    static String cut(String s) {
        return s == null ? "null" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static void fuzz(String seedInput, long seed, int count, Consumer<String> parser) {
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        assertThat(attempt(seedInput, parser)).as("the unmutated input").isNull();
        for (int i = 0; i < count && failures.size() < 5; i++) {
            String input = i % 4 == 3 ? generated(random) : mutate(seedInput, random);
            String failure = attempt(input, parser);
            if (failure != null) {
                failures.add("#" + i + ": " + failure);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void recordsImportEndsInRecordsOrOneClearError() {
        fuzz(export(12, 7), 20261201L, 3000, in -> ChangeRecordCsv.read(new StringReader(in), "fuzz.csv", r -> { }));
    }

    @Test
    void backtestHistoryEndsInAHistoryOrOneClearError() {
        String csv = export(12, 8);
        fuzz(csv, 20261202L, 3000, in -> {
            try {
                History.read(new StringReader(in), "fuzz.csv", HistoryColumns.defaults(), null);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        fuzz("change,buggy,author_date,la,ld,nf,ent,ndev\nc1,true,1300000000,10,2,3,0.5,2\nc2,false,1300000100,1,0,1,0,1\n", 20261203L, 2000,
                in -> {
                    try {
                        History.read(new StringReader(in), "fuzz.csv", new HistoryColumns("buggy", "author_date",
                                Map.of("linesAdded", "la", "linesDeleted", "ld", "files", "nf", "entropy", "ent"), List.of("ndev")), null);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
    }
}
