package io.riskgate.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.riskgate.RiskGateException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    @TempDir
    Path tmp;

    private Path csv(String... lines) throws IOException {
        Path file = tmp.resolve("history.csv");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static HistoryColumns columns(String outcome, String time, Map<String, String> metrics, String... features) {
        return new HistoryColumns(outcome, time, metrics, List.of(features));
    }

    @Test
    void yesNoFeatureColumnsReadAsOneAndZeroButMetricsMustBeNumbers() throws IOException {
        Path file = csv("t,bug,la,fix", "1,0,10,True", "2,1,5,false", "3,0,2,YES", "4,1,7,no");
        History h = History.read(file, columns("bug", "t", Map.of("linesAdded", "la"), "fix"), null);
        assertThat(new double[] {h.feature(0, 0), h.feature(0, 1), h.feature(0, 2), h.feature(0, 3)}).containsExactly(1, 0, 1, 0);
        Path bad = csv("t,bug,la,fix", "1,0,True,1", "2,1,5,0");
        assertThatThrownBy(() -> History.read(bad, columns("bug", "t", Map.of("linesAdded", "la"), "fix"), null))
                .hasMessageContaining("column 'la': 'True' is not a number");
    }

    @Test
    void theChangeRecordsExportIsReadWithoutOptions() throws IOException {
        History h;
        try (Reader reader = new InputStreamReader(Objects.requireNonNull(getClass().getResourceAsStream("/learning/records.csv")),
                StandardCharsets.UTF_8)) {
            h = History.read(reader, "records.csv", HistoryColumns.defaults(), null);
        }
        assertThat(h.size()).isEqualTo(10);
        assertThat(h.skipped()).isEqualTo(1);
        assertThat(h.hasMetrics()).isFalse();
        // ordered by finishedAt: r1, r4 (January 2), r2 (January 3), r5 ...
        assertThat(h.time(0)).isEqualTo(Instant.parse("2026-01-01T10:05:00Z").toEpochMilli());
        assertThat(h.riskScore(1)).isEqualTo(55);
        assertThat(h.failed(1)).isTrue();
        assertThat(h.riskScore(2)).isEqualTo(70);
        assertThat(h.failures()).isEqualTo(4);
    }

    @Test
    void anExportWithEmptyMetricColumnsFallsBackToTheRiskScoreAndSkipsUnscoredRows() throws IOException {
        String header = "id,pipeline,environment,commit,commitTime,startedAt,finishedAt,outcome,riskScore,riskLevel,riskModel,"
                + "linesAdded,linesDeleted,files,directories,subsystems,entropy,commits,authors,approvals";
        Path file = csv(header,
                "1,shop,production,a1,,2026-01-01T10:00:00Z,2026-01-01T10:05:00Z,SUCCEEDED,12,LOW,default,,,,,,,,,",
                "2,shop,production,a2,,2026-01-02T10:00:00Z,2026-01-02T10:05:00Z,FAILED,,,,,,,,,,,,",
                "3,shop,production,a3,,2026-01-03T10:00:00Z,2026-01-03T10:05:00Z,ROLLED_BACK,64,HIGH,default,,,,,,,,,\"ops, dev\"");
        History h = History.read(file, HistoryColumns.defaults(), null);
        assertThat(h.hasMetrics()).isFalse();
        assertThat(h.size()).isEqualTo(2);
        assertThat(h.skipped()).isEqualTo(1);
        assertThat(h.riskScore(0)).isEqualTo(12);
        assertThat(h.riskScore(1)).isEqualTo(64);
        assertThat(h.failed(1)).isTrue();
    }

    @Test
    void metricsAreMappedByNameIgnoringCaseAndMissingOnesGetDefaults() throws IOException {
        Path file = csv("when,failed,LINESADDED,files,entropy",
                "1700000000,1,10,3,0.5",
                "1700000001,0,0,,",
                "1700000002,0,5,,");
        History h = History.read(file, columns("failed", "when", Map.of()), null);
        assertThat(h.metricColumns()).containsExactly(Map.entry("linesAdded", "LINESADDED"), Map.entry("files", "files"),
                Map.entry("entropy", "entropy"));
        assertThat(h.metric(0, 0)).isEqualTo(10);
        assertThat(h.metric(2, 0)).isEqualTo(3);
        assertThat(h.metric(4, 0)).isEqualTo(1); // subsystems: at least 1 when lines changed
        assertThat(h.metric(6, 0)).isEqualTo(1); // commits
        assertThat(h.metric(7, 0)).isEqualTo(1); // authors
        assertThat(h.metric(2, 1)).isEqualTo(0); // no lines, no files
        assertThat(h.metric(5, 1)).isEqualTo(0);
        assertThat(h.metric(2, 2)).isEqualTo(1); // an empty cell counts as missing
        assertThat(h.time(0)).isEqualTo(1_700_000_000_000L);
        assertThat(h.entropyInBits()).isFalse();
    }

    @Test
    void entropyInBitsIsNormalisedByTheLogOfTheFiles() throws IOException {
        Path file = csv("t,bug,la,nf,ent",
                "1,True,10,4,1.5",
                "2,False,10,8,3",
                "3,False,10,1,0.7",
                "4,False,10,4,2.5");
        History h = History.read(file, columns("bug", "t", Map.of("linesAdded", "la", "files", "nf", "entropy", "ent")), null);
        assertThat(h.entropyInBits()).isTrue();
        assertThat(h.metric(5, 0)).isCloseTo(0.75, within(1e-12));
        assertThat(h.metric(5, 1)).isCloseTo(1.0, within(1e-12));
        assertThat(h.metric(5, 2)).isEqualTo(0); // one file: no spread
        assertThat(h.metric(5, 3)).isEqualTo(1); // above log2(files): kept at 1
    }

    @Test
    void rowsAreOrderedByTimeWithEveryTimeFormat() throws IOException {
        Path file = csv("time,outcome,linesAdded",
                "2026-03-01T00:00:00Z,false,4",
                "1767225600000,true,1",
                "2026-02-01,false,3",
                "1767312000,false,2",
                "2026-02-15T00:00:00+01:00,false,5",
                "2026-02-20T12:00:00,false,6");
        History h = History.read(file, columns(null, "time", Map.of()), null);
        List<Double> lines = new ArrayList<>();
        for (int i = 0; i < h.size(); i++) {
            lines.add(h.metric(0, i));
        }
        assertThat(lines).containsExactly(1.0, 2.0, 3.0, 5.0, 6.0, 4.0);
        assertThat(h.time(0)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        assertThat(h.time(1)).isEqualTo(Instant.parse("2026-01-02T00:00:00Z").toEpochMilli());
        assertThat(h.time(3)).isEqualTo(Instant.parse("2026-02-14T23:00:00Z").toEpochMilli());
    }

    @Test
    void theTimesOfPublicHistoriesAndOfGitAreRead() {
        long t = Instant.parse("2017-03-01T11:23:15Z").toEpochMilli();
        for (String text : List.of("2017-03-01T11:23:15Z", "2017-03-01T11:23:15z", "2017-03-01 11:23:15", "2017-03-01 11:23:15+00:00",
                "2017-03-01 11:23:15 +0000", "2017-03-01T12:23:15+01:00", "2017-03-01T12:23:15+0100", "2017-03-01T12:23:15+01",
                "2017-03-01T06:23:15-05:00", "2017-03-01 06:23:15 -0500", "2017/03/01 11:23:15", "2017-03-01 11:23:15 UTC",
                "2017-03-01T11:23:15 GMT", "1488367395", "1488367395000", "1488367395.0", " 2017-03-01  11:23:15 ",
                "Wed Mar 1 11:23:15 2017 +0000", "Wed Mar 01 12:23:15 2017 +0100", "wed mar  1 06:23:15 2017 -0500",
                "Wed, 1 Mar 2017 11:23:15 +0000", "Wed, 01 Mar 2017 11:23:15 GMT")) {
            assertThat(History.parseTime(text)).as(text).isEqualTo(t);
        }
        assertThat(History.parseTime("2017-03-01T11:23:15.250Z")).isEqualTo(t + 250);
        assertThat(History.parseTime("2017-03-01 11:23:15.5+00:00")).isEqualTo(t + 500);
        assertThat(History.parseTime("2017-03-01 11:23")).isEqualTo(t - 15_000);
        assertThat(History.parseTime("2017-03-01")).isEqualTo(Instant.parse("2017-03-01T00:00:00Z").toEpochMilli());
        assertThat(History.parseTime("2017/03/01")).isEqualTo(Instant.parse("2017-03-01T00:00:00Z").toEpochMilli());
        for (String bad : List.of("", "n/a", "01/03/2017", "2017-13-01", "2017-02-30 10:00", "2017-03-01T25:00:00Z",
                "2017-03-01 11:23:15 +2500", "Wed Mar 1 11:23:15 2017", "Mon Mar 1 11:23:15 2017 +0000", "2017-03-01 11:23:15 EST",
                "1e400", "2017-03-01Tnoon")) {
            assertThat(History.parseTime(bad)).as(bad).isEqualTo(Long.MIN_VALUE);
        }
    }

    @Test
    void quotedFieldsMayHoldCommasQuotesAndLineBreaks() throws IOException {
        Path file = tmp.resolve("quoted.csv");
        Files.writeString(file, "id,\"note, free text\",outcome,finishedAt,linesAdded\r\n"
                + "1,\"a \"\"quoted\"\", multi\r\nline note\",FAILED,2026-01-01T00:00:00Z,\"7\"\r\n"
                + "2,plain,SUCCEEDED,2026-01-02T00:00:00Z,3");
        History h = History.read(file, HistoryColumns.defaults(), null);
        assertThat(h.size()).isEqualTo(2);
        assertThat(h.metric(0, 0)).isEqualTo(7);
        assertThat(h.failed(0)).isTrue();
        assertThat(h.metric(0, 1)).isEqualTo(3);
    }

    @Test
    void progressIsReportedEveryHundredThousandRows() throws IOException {
        StringBuilder text = new StringBuilder("t,outcome,linesAdded\n");
        for (int i = 0; i < 250_000; i++) {
            text.append(i).append(',').append(i % 7 == 0 ? 1 : 0).append(',').append(i % 100).append('\n');
        }
        Path file = tmp.resolve("large.csv");
        Files.writeString(file, text);
        List<Long> reported = new ArrayList<>();
        History h = History.read(file, columns(null, "t", Map.of()), reported::add);
        assertThat(reported).containsExactly(100_000L, 200_000L);
        assertThat(h.size()).isEqualTo(250_000);
    }

    @Test
    void aMissingColumnIsNamedWithTheHeader() throws IOException {
        Path file = csv("commit_id,buggy,author_date,la", "x,True,1,2");
        assertThatThrownBy(() -> History.read(file, HistoryColumns.defaults(), null))
                .isInstanceOf(RiskGateException.class)
                .hasMessage("history " + file + " has no column 'outcome' (--outcome): its columns are: commit_id, buggy, author_date, la");
        assertThatThrownBy(() -> History.read(file, columns("buggy", "author_date", Map.of("files", "nf")), null))
                .hasMessage("history " + file + " has no column 'nf' (--map files): its columns are: commit_id, buggy, author_date, la");
        assertThatThrownBy(() -> History.read(file, columns("buggy", "author_date", Map.of("linesAdded", "la"), "ndev"), null))
                .hasMessage("history " + file + " has no column 'ndev' (--feature): its columns are: commit_id, buggy, author_date, la");
    }

    @Test
    void withoutMetricsOrRiskScoreTheDefaultScoreCannotBeComputed() throws IOException {
        Path file = csv("outcome,finishedAt,size", "true,1,2");
        assertThatThrownBy(() -> History.read(file, HistoryColumns.defaults(), null))
                .hasMessage("history " + file + " has no metric columns and no 'riskScore' column for the default score: "
                        + "map metrics with --map linesAdded=COLUMN (and linesDeleted, files, ...); its columns are: outcome, finishedAt, size");
    }

    @Test
    void aNonNumericValueNamesTheRowAndTheColumn() throws IOException {
        Path file = csv("outcome,finishedAt,linesAdded,ndev", "true,1,2,3", "false,2,many,3");
        assertThatThrownBy(() -> History.read(file, columns(null, null, Map.of(), "ndev"), null))
                .hasMessage("history " + file + " row 2 (line 3), column 'linesAdded': 'many' is not a number: fix or remove the row");
        Path feature = csv("outcome,finishedAt,linesAdded,ndev", "true,1,2,", "false,2,3,3");
        assertThatThrownBy(() -> History.read(feature, columns(null, null, Map.of(), "ndev"), null))
                .hasMessage("history " + feature + " row 1 (line 2), column 'ndev': '' is not a number: fix or remove the row");
    }

    @Test
    void badOutcomesTimesAndShortRowsAreNamed() throws IOException {
        Path outcome = csv("outcome,finishedAt,linesAdded", "true,1,2", "maybe,2,3");
        assertThatThrownBy(() -> History.read(outcome, HistoryColumns.defaults(), null))
                .hasMessage("history " + outcome + " row 2 (line 3), column 'outcome': 'maybe' is not an outcome: "
                        + "use true/false, 1/0, or FAILED/ROLLED_BACK/SUCCEEDED");
        Path time = csv("outcome,finishedAt,linesAdded", "true,yesterday,2");
        assertThatThrownBy(() -> History.read(time, HistoryColumns.defaults(), null))
                .hasMessage("history " + time + " row 1 (line 2), column 'finishedAt': 'yesterday' is not a time from the years 1900 to 9999: "
                        + "use epoch seconds or milliseconds, ISO-8601 (2026-11-24T10:15:00Z, 2026-11-24 10:15:00+00:00) or git's date"
                        + " (Tue Nov 24 10:15:00 2026 +0000)");
        Path shortRow = csv("outcome,finishedAt,linesAdded", "true,1");
        assertThatThrownBy(() -> History.read(shortRow, HistoryColumns.defaults(), null))
                .hasMessage("history " + shortRow + " row 1 (line 2) has 2 fields but the header has 3: fix or remove the row");
    }

    @Test
    void emptyAndHeaderOnlyFilesAreBadInput() throws IOException {
        Path empty = tmp.resolve("empty.csv");
        Files.writeString(empty, "");
        assertThatThrownBy(() -> History.read(empty, HistoryColumns.defaults(), null))
                .hasMessage("history " + empty + " is empty: expected a header line and one row per change");
        Path header = csv("outcome,finishedAt,riskScore");
        assertThatThrownBy(() -> History.read(header, HistoryColumns.defaults(), null))
                .hasMessage("history " + header + " has a header but no rows: expected one row per change");
        Path missing = tmp.resolve("nope.csv");
        assertThatThrownBy(() -> History.read(missing, HistoryColumns.defaults(), null))
                .hasMessage("history " + missing + " does not exist: pass a CSV file with one row per change");
    }

    @Test
    void anUnknownMetricIsRejected() {
        assertThatThrownBy(() -> new HistoryColumns(null, null, Map.of("lines", "la"), List.of()))
                .hasMessage("unknown metric 'lines' in --map lines=la: use one of linesAdded, linesDeleted, files, directories, "
                        + "subsystems, entropy, commits, authors, developers, age, priorChanges, authorExperience, recentExperience, "
                        + "subsystemExperience, fix");
    }
}
