package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskgate.RiskGateException;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeRecordCsvTest {
    static final String HEADER = "id,pipeline,environment,commit,commitTime,startedAt,finishedAt,outcome";

    static List<ChangeRecord> read(String csv) {
        List<ChangeRecord> out = new ArrayList<>();
        ChangeRecordCsv.read(new StringReader(csv), "in.csv", out::add);
        return out;
    }

    static String write(List<ChangeRecord> records) {
        StringWriter w = new StringWriter();
        ChangeRecordCsv.write(records, w);
        return w.toString();
    }

    static ChangeRecord withText(String text) {
        Instant t = Instant.parse("2026-11-02T10:00:00Z");
        return new ChangeRecord(null, text, "production", "c1", null, t, t, Outcome.SUCCEEDED, 10, "LOW", text, text, text, text, text,
                text, null, 3, 1, text, ChangeRecord.Metrics.NONE);
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstColumn() {
        String csv = HEADER + "\nr1,shop,production,c1,,2026-11-02T10:00:00Z,2026-11-02T10:05:00Z,SUCCEEDED\n";
        assertThat(read("\uFEFF" + csv)).isEqualTo(read(csv));
        assertThat(read("\uFEFF" + csv).get(0).id()).isEqualTo("r1");
    }

    @Test
    void aFileWithoutRowsIsCheckedByItsHeader() throws Exception {
        // an export of an empty store: no records, no error
        java.io.StringWriter empty = new java.io.StringWriter();
        new ChangeRecordCsv.Writer(empty).close();
        assertThat(empty.toString()).startsWith("id,");
        assertThat(read(empty.toString())).isEmpty();
        assertThat(read(HEADER + "\n")).isEmpty();
        // the header of some other file, with no rows: the same error as with rows
        assertThatThrownBy(() -> read("name,when,result\n")).isInstanceOf(RiskGateException.class)
                .hasMessage("in.csv: missing columns pipeline, environment, commit, startedAt, finishedAt, outcome"
                        + " (the header must name at least pipeline,environment,commit,startedAt,finishedAt,outcome)");
        assertThatThrownBy(() -> read("pipeline,environment,commit,startedAt,finishedAt\n")).hasMessageStartingWith("in.csv: missing column outcome ");
        assertThatThrownBy(() -> read("")).hasMessageStartingWith("in.csv is empty: a file of records starts with a header row");
        assertThatThrownBy(() -> read("\n\n")).hasMessageStartingWith("in.csv is empty");
    }

    @Test
    void anIdTwiceInOneFileNamesBothRows() {
        String row = "shop,production,c1,,2026-11-02T10:00:00Z,2026-11-02T10:05:00Z,SUCCEEDED\n";
        assertThatThrownBy(() -> read(HEADER + "\nr1," + row + "r2," + row + "r1," + row))
                .isInstanceOf(RiskGateException.class).hasMessageStartingWith("in.csv rows 2 and 4 are both record 'r1'");
        assertThatThrownBy(() -> read(HEADER + "\n," + row + "," + row))
                .hasMessageContaining("rows 2 and 3 are both record").hasMessageContaining("derived from pipeline, environment, commit and startedAt");
    }

    @Test
    void cellsThatASpreadsheetWouldRunAreExportedAsTextAndImportedAsTheyWere() {
        List<String> texts = List.of("=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR", "'quoted",
                "''twice", " leading space", "plain", "a,b \"c\"\nnext line");
        List<ChangeRecord> records = texts.stream().map(ChangeRecordCsvTest::withText).toList();
        String csv = write(records);
        assertThat(java.util.regex.Pattern.compile("(^|,|\n)\"?[=+\\-@\t\r]").matcher(csv).find())
                .as("a cell starting with = + - @ TAB or CR in%n%s", csv).isFalse();
        assertThat(csv).contains("\"'=HYPERLINK(").contains("\"'+1+1\"").contains("\"'-2\"").contains("\"'@SUM(A1)\"")
                .contains("\"''quoted\"").contains("\"'''twice\"");
        assertThat(read(csv)).isEqualTo(records);
    }

    @Test
    void numbersThatCannotBeTrueAreRefusedWithTheRow() {
        String head = HEADER + ",testsTotal,testsFailed,linesAdded,entropy\n";
        String row = "r1,shop,production,c1,2026-11-02T09:00:00Z,2026-11-02T10:00:00Z,2026-11-02T10:05:00Z,SUCCEEDED,";
        assertThatThrownBy(() -> read(head + row + "-1,0,1,0.5\n")).hasMessage("in.csv row 2: testsTotal cannot be negative (got -1)");
        assertThatThrownBy(() -> read(head + row + "1,0,-5,0.5\n")).hasMessage("in.csv row 2: linesAdded cannot be negative (got -5)");
        assertThatThrownBy(() -> read(head + row + "1,0,1,NaN\n")).hasMessage("in.csv row 2: entropy must be a number from 0 to 1 (got NaN)");
        assertThatThrownBy(() -> read(head + row + "1,0,1,Infinity\n")).hasMessageContaining("entropy must be a number from 0 to 1");
        assertThatThrownBy(() -> read(head + row + "1,2,1,0.5\n")).hasMessageContaining("testsFailed (2) cannot be more than testsTotal (1)");
        String late = "r1,shop,production,c1,2026-11-02T11:00:00Z,2026-11-02T10:00:00Z,2026-11-02T10:05:00Z,SUCCEEDED,1,0,1,0.5\n";
        assertThatThrownBy(() -> read(head + late)).hasMessageContaining("row 2: the change cannot be committed (commitTime 2026-11-02T11:00:00Z)"
                + " after its deployment finished");
    }

    @Test
    void aValueTooLongForTheStoreNamesTheRowAndTheField() {
        String csv = HEADER + "\nr1," + "p".repeat(600) + ",production,c1,,2026-11-02T10:00:00Z,2026-11-02T10:05:00Z,SUCCEEDED\n";
        assertThatThrownBy(() -> read(csv)).hasMessage("in.csv row 2: record r1: pipeline has 600 characters, more than the 512 the store holds:"
                + " shorten it");
    }

    @Test
    void timesOutsideTheYears1900To9999AreOneLineAndCellsAreCut() {
        String bad = HEADER + "\nr1,shop,production,c1,,+999999999-12-31T23:59:59Z,2026-11-02T10:05:00Z,SUCCEEDED\n";
        assertThatThrownBy(() -> read(bad)).isInstanceOf(RiskGateException.class)
                .hasMessage("in.csv row 2, column startedAt: '+999999999-12-31T23:59:59Z' is not a time from the years 1900 to 9999:"
                        + " use an ISO-8601 time (2026-11-24T10:15:30Z), a date (2026-11-24) or epoch seconds");
        String huge = "9".repeat(1_000_000);
        assertThatThrownBy(() -> read(HEADER + ",riskScore\nr1,shop,production,c1,,2026-11-02T10:00:00Z,2026-11-02T10:05:00Z,SUCCEEDED," + huge + "\n"))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).contains("(1000000 characters) is not a whole number"));
    }

    @Test
    void importAcceptsTheCommandLinesTimeFormatsAndAnyCaseOfOutcome() {
        List<ChangeRecord> r = read(HEADER + "\nr1,shop,production,c1,1793613600,2026-11-02,2026-11-02T11:05:00+01:00,succeeded\n");
        assertThat(r.get(0).commitTime()).isEqualTo(Instant.ofEpochSecond(1793613600));
        assertThat(r.get(0).startedAt()).isEqualTo(Instant.parse("2026-11-02T00:00:00Z"));
        assertThat(r.get(0).finishedAt()).isEqualTo(Instant.parse("2026-11-02T10:05:00Z"));
        assertThat(r.get(0).outcome()).isEqualTo(Outcome.SUCCEEDED);
    }
}
