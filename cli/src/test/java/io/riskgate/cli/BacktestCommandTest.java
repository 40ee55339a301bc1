package io.riskgate.cli;

import static io.riskgate.cli.RiskGateCliTest.riskgate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.riskgate.learning.LearnedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestCommandTest {
    @TempDir
    Path tmp;

    Path records;

    /** The change records' export with metric columns: 400 deployments, one a day, bigger ones fail more often. */
    @BeforeEach
    void export() throws IOException {
        records = tmp.resolve("records.csv");
        Files.writeString(records, history());
    }

    static String history() {
        Random random = new Random(3);
        StringBuilder csv = new StringBuilder("id,pipeline,environment,commit,commitTime,startedAt,finishedAt,outcome,riskScore,riskLevel,"
                + "linesAdded,linesDeleted,files,directories,subsystems,entropy,commits,authors\n");
        for (int i = 0; i < 400; i++) {
            long added = Math.round(Math.exp(3 + 1.5 * random.nextGaussian()));
            long files = 1 + added / 50;
            boolean failed = random.nextDouble() < 1 / (1 + Math.exp(-(-4 + 0.6 * Math.log1p(added))));
            String day = java.time.LocalDate.of(2026, 1, 1).plusDays(i).toString();
            csv.append("d").append(i).append(",shop,production,c").append(i).append(',').append(day).append("T09:00:00Z,")
                    .append(day).append("T10:00:00Z,").append(day).append("T10:05:00Z,").append(failed ? (i % 2 == 0 ? "FAILED" : "ROLLED_BACK") : "SUCCEEDED")
                    .append(",0,LOW,").append(added).append(',').append(added / 3).append(',').append(files).append(',')
                    .append(Math.min(files, 3)).append(",1,").append(files > 1 ? "0.8" : "0").append(",1,1\n");
        }
        return csv.toString();
    }

    @Test
    void theRecordsExportNeedsNoOptions() throws Exception {
        RiskGateCliTest.Run run = riskgate("backtest", "--history", records.toString(), "--format", "json");
        assertThat(run.err()).isEmpty();
        assertThat(run.exit()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("rows").asInt()).isEqualTo(400);
        assertThat(json.get("trainRows").asInt()).isEqualTo(240);
        assertThat(json.get("testRows").asInt()).isEqualTo(160);
        assertThat(json.get("positives").asInt()).isEqualTo(json.get("trainPositives").asInt() + json.get("testPositives").asInt());
        assertThat(json.get("metrics").size()).isEqualTo(8);
        for (String model : new String[] {"default", "learned"}) {
            JsonNode m = json.get(model);
            assertThat(m.get("auc").asDouble()).isBetween(0.5, 1.0);
            assertThat(m.get("caughtAt").fieldNames()).toIterable().containsExactly("5", "10", "20");
            assertThat(m.get("calibration").get(0).get("rows").asInt()).isPositive();
        }
        assertThat(json.get("default").get("model").asText()).isEqualTo("default");
        assertThat(json.get("learned").get("model").asText()).isEqualTo("learned-2026-08-28");
        assertThat(json.get("learned").get("definition").get("features").get(0).get("name").asText()).isEqualTo("linesAdded");
    }

    @Test
    void textReportShowsBothModelsSideBySide() {
        RiskGateCliTest.Run run = riskgate("backtest", "--history", records.toString(), "--train-fraction", "0.5", "--half-life-days", "90");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Backtest of " + records + ": 400 changes",
                "Train: the oldest 200 (2026-01-01 to 2026-07-19)", "Test:  the newest 200 (2026-07-20 to 2027-02-04)",
                "AUC", "failures caught, riskiest 10%", "learned-2026-07-19", "recency half-life 90 days",
                "linesAdded: from its typical ", "doubling 1 + linesAdded (to ", "multiplies the odds of failure by");
    }

    @Test
    void columnNamesFromTheHistoryCannotActOnTheTerminal() throws IOException {
        Path hostile = tmp.resolve("hostile.csv");
        Files.writeString(hostile, history().replaceFirst("authors\n", "authors,\"on\u001b[2Kcall\"\n").replaceAll("(?m),1,1$", ",1,1,3"));
        RiskGateCliTest.Run run = riskgate("backtest", "--history", hostile.toString(), "--feature", "on\u001b[2Kcall");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).doesNotContain("\u001b").contains("on\\e[2Kcall");
    }

    @Test
    void theLearnedModelCanBeSavedAndReadBack() throws IOException {
        Path model = tmp.resolve("model.json");
        RiskGateCliTest.Run run = riskgate("backtest", "--history", records.toString(), "--save-model", model.toString(), "--window-days", "120");
        assertThat(run.exit()).isZero();
        LearnedModel read = LearnedModel.fromJson(Files.readString(model), model.toString());
        assertThat(read.name()).isEqualTo("learned-2026-08-28");
        assertThat(read.samples()).isEqualTo(121);
    }

    @Test
    void badInputIsOneLineOnStderrWithExitTwo() throws IOException {
        RiskGateCliTest.Run fraction = riskgate("backtest", "--history", records.toString(), "--train-fraction", "1.5");
        assertThat(fraction.exit()).isEqualTo(2);
        assertThat(fraction.err()).isEqualTo("riskgate: --train-fraction must be above 0 and below 1 (got 1.5): "
                + "e.g. 0.6 trains on the oldest 60% of the changes and tests on the newest 40%" + System.lineSeparator());

        RiskGateCliTest.Run column = riskgate("backtest", "--history", records.toString(), "--outcome", "buggy");
        assertThat(column.exit()).isEqualTo(2);
        assertThat(column.err()).startsWith("riskgate: history " + records + " has no column 'buggy' (--outcome): its columns are: id, pipeline,");

        RiskGateCliTest.Run metric = riskgate("backtest", "--history", records.toString(), "--map", "size=linesAdded");
        assertThat(metric.exit()).isEqualTo(2);
        assertThat(metric.err()).startsWith("riskgate: unknown metric 'size' in --map size=linesAdded: use one of linesAdded,");

        Path empty = tmp.resolve("empty.csv");
        Files.writeString(empty, "");
        RiskGateCliTest.Run nothing = riskgate("backtest", "--history", empty.toString());
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.err()).isEqualTo("riskgate: history " + empty + " is empty: expected a header line and one row per change"
                + System.lineSeparator());

        RiskGateCliTest.Run missing = riskgate("backtest");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing the history: pass --history FILE.csv or --store PATH|JDBC_URL");
    }

    @Test
    void backtestIsListedInTheHelp() {
        assertThat(riskgate("--help").out()).contains("backtest");
    }
    @Test
    void aRecordStoreIsAHistoryToo() throws Exception {
        String store = tmp.resolve("store").toString();
        try (io.riskgate.records.ChangeRecordStore s = io.riskgate.records.RecordStores.open(store)) {
            s.saveAll(io.riskgate.testing.TestRecords.sized(500, "production", java.time.Instant.parse("2026-01-01T00:00:00Z"),
                    java.time.Duration.ofHours(12), 21));
            s.saveAll(io.riskgate.testing.TestRecords.sized(100, "staging", java.time.Instant.parse("2026-01-01T00:00:00Z"),
                    java.time.Duration.ofHours(12), 22));
        }
        RiskGateCliTest.Run run = riskgate("backtest", "--store", store, "--environment", "production", "--format", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode json = run.json();
        assertThat(json.get("rows").asInt()).isEqualTo(500);
        assertThat(json.get("trainRows").asInt()).isEqualTo(300);
        assertThat(json.get("learned").get("auc").asDouble()).isGreaterThan(0.6);
        assertThat(riskgate("backtest", "--store", store, "--format", "json").json().get("rows").asInt()).isEqualTo(600);

        RiskGateCliTest.Run both = riskgate("backtest", "--store", store, "--history", "x.csv");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--history and --store are alternatives");
        RiskGateCliTest.Run neither = riskgate("backtest");
        assertThat(neither.exit()).isEqualTo(2);
        assertThat(neither.err()).contains("pass --history FILE.csv or --store");
        RiskGateCliTest.Run mapped = riskgate("backtest", "--store", store, "--map", "linesAdded=la");
        assertThat(mapped.exit()).isEqualTo(2);
        assertThat(mapped.err()).contains("a record store has the change metrics already");
    }
}
