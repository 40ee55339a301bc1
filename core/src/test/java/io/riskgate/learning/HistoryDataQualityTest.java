package io.riskgate.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The faults public change histories have: rows without a time, columns written twice, measures empty in a few rows. */
class HistoryDataQualityTest {
    @TempDir
    Path tmp;

    private static final HistoryColumns BUG_AT_DATE = new HistoryColumns("bug", "date", Map.of(), List.of());

    private Path csv(String name, List<String> lines) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    @Test
    void rowsWithoutATimeOrAnOutcomeAreSkippedCountedAndNamedInANote() throws IOException {
        Path file = csv("h.csv", List.of("date,bug,la", "2020-01-01 10:00:00,0,3", "NA,1,4", "2020-01-03 10:00:00,,5", ",0,6",
                "2020-01-02 10:00:00,1,7", "2020-01-04 10:00:00,na,8"));
        History h = History.read(file, BUG_AT_DATE, null);
        assertThat(h.size()).isEqualTo(2);
        assertThat(h.skipped()).isEqualTo(4);
        assertThat(h.notes()).containsExactly("2 rows have no outcome (column 'bug' empty or NA): skipped",
                "2 rows have no time (column 'date' empty or NA): skipped");
        int la = HistoryColumns.METRICS.indexOf("linesAdded");
        assertThat(new double[] {h.metric(la, 0), h.metric(la, 1)}).containsExactly(3, 7);
        assertThat(BacktestReport.toText(Backtest.run(History.read(csv("many.csv", rows(200, 0, 0)), BUG_AT_DATE, null),
                Backtest.Options.defaults()))).doesNotContain("skipped");
    }

    @Test
    void nmPdAndNptStandForDirectoriesAgeAndPriorChanges() throws IOException {
        Path file = csv("yang.csv", List.of("\"\",\"transactionid\",\"commitdate\",\"ns\",\"nm\",\"nf\",\"entropy\",\"la\",\"ld\",\"lt\",\"fix\",\"ndev\",\"pd\",\"npt\",\"exp\",\"rexp\",\"sexp\",\"bug\"",
                "\"1\",1,\"2002/2/2 02:42:44\",1,2,3,0.5,10,2,375,0,4,30.5,6,7,2.5,3,0",
                "\"2\",2,\"2002/2/27 09:02:40\",2,1,4,0.9,20,1,1129,1,5,12,3,9,1.5,4,1"));
        History h = History.read(file, new HistoryColumns("bug", "commitdate", Map.of(), List.of()), null);
        assertThat(h.metricColumns()).containsEntry("directories", "nm").containsEntry("age", "pd").containsEntry("priorChanges", "npt")
                .containsEntry("subsystems", "ns").containsEntry("developers", "ndev").containsEntry("authorExperience", "exp")
                .containsEntry("recentExperience", "rexp").containsEntry("subsystemExperience", "sexp");
        assertThat(h.notes()).isEmpty();
        assertThat(h.metric(HistoryColumns.METRICS.indexOf("age"), 0)).isEqualTo(30.5);
        assertThat(h.time(0)).isEqualTo(Instant.parse("2002-02-02T02:42:44Z").toEpochMilli());
        assertThat(History.parseTime("2003/1/2 23:06")).isEqualTo(Instant.parse("2003-01-02T23:06:00Z").toEpochMilli());
        assertThat(History.parseTime("2003-1-2")).isEqualTo(Instant.parse("2003-01-02T00:00:00Z").toEpochMilli());
    }

    @Test
    void aColumnThatCopiesAnEarlierMeasureInEveryRowIsLeftOutWithANote() throws IOException {
        List<String> lines = new ArrayList<>(List.of("date,bug,la,nf,ns,ndev,exp,commits,authors", "1,0,10,2,3,3,3,1,1", "2,1,5,1,7,7,7,1,1",
                "3,0,2,4,1,1,1,1,1", "4,1,8,2,2,2,5,1,1"));
        for (int i = 5; i <= History.COPY_CHECK_ROWS; i++) {
            lines.add(i + "," + i % 2 + "," + (i * 7 % 50) + "," + (i % 5 + 1) + "," + (i % 3 + 1) + "," + (i % 3 + 1) + "," + (i % 3 + 1) + ",1,1");
        }
        Path file = csv("copies.csv", lines);
        History h = History.read(file, BUG_AT_DATE, null);
        // ndev equals ns in every row; exp differs in one row; commits and authors are equal but never vary (not a copy, just constant)
        assertThat(h.metricColumns()).containsKeys("linesAdded", "files", "subsystems", "authorExperience", "commits", "authors")
                .doesNotContainKey("developers");
        assertThat(h.notes()).containsExactly(
                "developers (ndev) holds the same values as subsystems (ns) in every row (one column written twice?): counted once, as subsystems");
        // the copy broken in one row keeps both; and in a history too short to tell a copy from chance, both are kept
        List<String> brokenLines = new ArrayList<>(lines);
        brokenLines.set(brokenLines.size() - 1, brokenLines.get(brokenLines.size() - 1).replaceFirst(",(\\d),(\\d),(\\d),1,1$", ",$1,9,$3,1,1"));
        assertThat(brokenLines.get(brokenLines.size() - 1)).endsWith(",9," + (History.COPY_CHECK_ROWS % 3 + 1) + ",1,1");
        assertThat(History.read(csv("broken.csv", brokenLines), BUG_AT_DATE, null).metricColumns()).containsKeys("subsystems", "developers");
        assertThat(History.read(csv("short.csv", lines.subList(0, History.COPY_CHECK_ROWS)), BUG_AT_DATE, null).metricColumns())
                .containsKeys("subsystems", "developers");
    }

    @Test
    void aHistoryMeasureEmptyInAFewRowsTakesItsMedianInTheFittedRowsAndInMoreRowsIsLeftOut() throws IOException {
        // priorChanges (nuc) empty in 5 of 200 rows (2.5%): kept, the empty cells filled when a model is fitted
        Path few = csv("few.csv", rows(200, 5, 0));
        History h = History.read(few, BUG_AT_DATE, null);
        assertThat(h.metricColumns()).containsEntry("priorChanges", "nuc");
        assertThat(h.notes()).containsExactly("priorChanges (nuc) is empty in 5 of 200 rows: those rows take its median in the rows a model is fitted on");
        BacktestResult r = Backtest.run(h, Backtest.Options.defaults());
        assertThat(r.model().features()).anyMatch(f -> f.name().equals("priorChanges"));
        assertThat(r.baselineModel().features()).anyMatch(f -> f.name().equals("priorChanges"));
        // the test part has empty cells too (rows 121 and 161): they are scored with the filled value
        assertThat(r.learned().auc()).isBetween(0.0, 1.0);
        assertThat(r.baseline().auc()).isBetween(0.0, 1.0);
        // in 11 of 200 rows (5.5%): left out, as a history recorded before the measure existed
        History many = History.read(csv("many.csv", rows(200, 11, 0)), BUG_AT_DATE, null);
        assertThat(many.metricColumns()).doesNotContainKey("priorChanges");
        assertThat(many.notes()).containsExactly(
                "priorChanges (nuc) is empty in more than 5% of the rows (changes recorded before the history measures): left out of the learned model");
    }

    @Test
    void theFilledValueIsTheMedianOfTheFittedRowsOnly() {
        double[] v = {1, Double.NaN, 3, 10, Double.NaN, 100, 1000};
        assertThat(Backtest.fillEmpty(v, 0, 4)).isTrue();
        // the median of 1, 3, 10 (rows 0 to 3 that have a value), not of the later rows, in every empty row
        assertThat(v).containsExactly(1, 3, 3, 10, 3, 100, 1000);
        double[] even = {4, 2, Double.NaN, 8};
        assertThat(Backtest.fillEmpty(even, 0, 3)).isTrue();
        assertThat(even[2]).isEqualTo(3);
        double[] none = {Double.NaN, Double.NaN, 5};
        assertThat(Backtest.fillEmpty(none, 0, 2)).isFalse();
        double[] full = {1, 2};
        assertThat(Backtest.fillEmpty(full, 0, 2)).isTrue();
        assertThat(full).containsExactly(1, 2);
    }

    /** A history in which larger changes and more prior changes fail more often; {@code emptyNuc} rows have no nuc. */
    private static List<String> rows(int n, int emptyNuc, long seed) {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>(List.of("date,bug,la,nuc"));
        for (int i = 0; i < n; i++) {
            int la = random.nextInt(200);
            int nuc = random.nextInt(30);
            boolean bug = random.nextDouble() < 0.05 + la / 400.0 + nuc / 100.0;
            lines.add((1_600_000_000L + i * 3600L) + "," + (bug ? 1 : 0) + "," + la + "," + (i % (n / Math.max(1, emptyNuc)) == 1 && i / (n / Math.max(1, emptyNuc)) < emptyNuc ? "NA" : nuc));
        }
        return lines;
    }
}
