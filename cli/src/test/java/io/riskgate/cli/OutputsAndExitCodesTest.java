package io.riskgate.cli;

import static io.riskgate.cli.RiskGateCliTest.riskgate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.riskgate.testing.TestRepo;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** What the commands write, where it cannot be written, and the exit codes and single lines of hostile and broken input. */
class OutputsAndExitCodesTest {
    @TempDir
    Path tmp;

    String store() {
        return tmp.resolve("store").toString();
    }

    Path csv(String name, String text) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    void imported() throws Exception {
        RiskGateCliTest.Run run = riskgate("import", csv("records.csv", RecordsCliTest.CSV).toString(), "--store", store());
        assertThat(run.exit()).as(run.err()).isZero();
    }

    /** Runs the command with its standard output on /dev/full, a device that is always full. */
    static RiskGateCliTest.Run toFullDevice(String... args) throws Exception {
        StringWriter err = new StringWriter();
        int exit;
        try (PrintWriter full = new PrintWriter(new FileOutputStream("/dev/full"), true)) {
            exit = RiskGate.run(args, full, new PrintWriter(err, true));
        }
        return new RiskGateCliTest.Run(exit, "", err.toString());
    }

    static void oneLine(RiskGateCliTest.Run run, int exit, String... contains) {
        assertThat(run.exit()).as(run.err()).isEqualTo(exit);
        assertThat(run.err()).startsWith("riskgate: ").contains(contains).doesNotContain("\tat ", "Exception");
        assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void everyCommandThatWritesToAFullDiskExitsFive() throws Exception {
        imported();
        String full = "cannot write the output to standard output";
        oneLine(toFullDevice("export", "--store", store()), 5, full);
        oneLine(toFullDevice("export", "--format", "json", "--store", store()), 5, full);
        oneLine(toFullDevice("report", "--store", store()), 5, full);
        oneLine(toFullDevice("report", "--format", "json", "--store", store()), 5, full);
        oneLine(toFullDevice("backtest", "--history", csv("history.csv", BacktestCommandTest.history()).toString()), 5, full);
        oneLine(toFullDevice("record", "--store", store(), "--pipeline", "p", "--environment", "e", "--commit", "c", "--started",
                "2026-11-24T10:00:00Z", "--finished", "2026-11-24T10:01:00Z", "--outcome", "SUCCEEDED"), 5, full);
        TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        repo.write("a.txt", "a\n");
        String base = repo.commit("a");
        repo.write("a.txt", "b\n");
        repo.commit("b");
        oneLine(toFullDevice("assess", "--repo", repo.dir().toString(), "--base", base, "--format", "json", "--model", "default"), 5, full);
        Path risk = tmp.resolve("risk.json");
        Files.writeString(risk, riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--format", "json", "--model", "default").out());
        oneLine(toFullDevice("gate", "--environment", "dev", "--assessment", risk.toString(), "--repo", repo.dir().toString()), 5, full);
        oneLine(toFullDevice("import", tmp.resolve("records.csv").toString(), "--store", store()), 5, full);
    }

    @Test
    void theHtmlDashboardAtAFileIsBadInputAndLeavesNothing() throws Exception {
        imported();
        Path file = csv("dashboard", "not a directory");
        oneLine(riskgate("report", "--store", store(), "--html", file.toString()), 2, "is a file, not a directory");
        assertThat(Files.readString(file)).isEqualTo("not a directory");
        oneLine(riskgate("report", "--store", store(), "--html", file.resolve("sub").toString()), 2, "cannot write the dashboard");
        Path dir = tmp.resolve("html");
        assertThat(riskgate("report", "--store", store(), "--html", dir.toString()).exit()).isZero();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("index.html");
        }
    }

    @Test
    void saveModelIntoAMissingDirectoryIsOneLineAndWritesNothing() throws Exception {
        Path history = csv("history.csv", BacktestCommandTest.history());
        Path model = tmp.resolve("missing/model.json");
        oneLine(riskgate("backtest", "--history", history.toString(), "--save-model", model.toString()), 2, "does not exist");
        assertThat(model.getParent()).doesNotExist();
    }

    @Test
    void readCommandsRefuseAStoreThatDoesNotExist() {
        String missing = tmp.resolve("no-such-store").toString();
        oneLine(riskgate("report", "--store", missing), 2, "there is no record store in " + missing);
        oneLine(riskgate("export", "--store", missing), 2, "there is no record store in " + missing);
        oneLine(riskgate("backtest", "--store", missing), 2, "there is no record store in " + missing);
        assertThat(Path.of(missing)).doesNotExist();
    }

    @Test
    void importingTheSameFileWithAByteOrderMarkChangesNothing() throws Exception {
        imported();
        RiskGateCliTest.Run again = riskgate("import", csv("bom.csv", "\uFEFF" + RecordsCliTest.CSV).toString(), "--store", store());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("imported 6 records", "0 new, 0 updated, 6 unchanged");
        assertThat(riskgate("export", "--store", store()).out().lines().count()).isEqualTo(7);
        String changed = RecordsCliTest.CSV.replace("r5,shop,production,c5,2026-11-03T07:30:00Z,2026-11-03T10:20:00Z,2026-11-03T10:30:00Z,SUCCEEDED",
                "r5,shop,production,c5,2026-11-03T07:30:00Z,2026-11-03T10:20:00Z,2026-11-03T10:30:00Z,FAILED")
                + "r7,shop,production,c7,,2026-11-04T10:20:00Z,2026-11-04T10:30:00Z,SUCCEEDED,,,,,,\n";
        assertThat(riskgate("import", csv("changed.csv", changed).toString(), "--store", store()).out())
                .contains("imported 7 records", "1 new, 1 updated, 5 unchanged");
    }

    @Test
    void anIdTwiceInOneFileNamesBothRowsAndWritesNothing() throws Exception {
        String twice = RecordsCliTest.CSV + RecordsCliTest.CSV.lines().skip(2).findFirst().orElseThrow() + "\n";
        oneLine(riskgate("import", csv("twice.csv", twice).toString(), "--store", store()), 2, "rows 3 and 8 are both record 'r2'");
        assertThat(Path.of(store())).doesNotExist();
    }

    @Test
    void exportedCellsCannotRunInASpreadsheetAndImportBackExactly() throws Exception {
        RiskGateCliTest.Run rec = riskgate("record", "--store", store(), "--pipeline", "=HYPERLINK(\"http://x\")", "--environment", "production",
                "--commit", "c1", "--started", "2026-11-24T10:00:00Z", "--finished", "2026-11-24T10:01:00Z", "--outcome", "succeeded",
                "--started-by", "@alice", "--rollback-command", "-rf /");
        assertThat(rec.exit()).as(rec.err()).isZero();
        String exported = riskgate("export", "--store", store()).out();
        assertThat(exported).contains("\"'=HYPERLINK(", "\"'@alice\"", "\"'-rf /\"");
        Path file = csv("exported.csv", exported);
        String other = tmp.resolve("other").toString();
        assertThat(riskgate("import", file.toString(), "--store", other).exit()).isZero();
        assertThat(riskgate("export", "--store", other).out()).isEqualTo(exported);
        JsonNode json = riskgate("export", "--format", "json", "--store", other).json();
        assertThat(json.get(0).get("pipeline").asText()).isEqualTo("=HYPERLINK(\"http://x\")");
    }

    @Test
    void impossibleNumbersAndTimesAreOneLine() throws Exception {
        String head = "pipeline,environment,commit,commitTime,startedAt,finishedAt,outcome,testsTotal,entropy\n";
        oneLine(riskgate("import", csv("a.csv", head + "shop,production,c1,,+999999999-12-31T23:59:59Z,2026-11-02T10:00:00Z,SUCCEEDED,1,0.5\n")
                .toString(), "--store", store()), 2, "row 2, column startedAt: '+999999999-12-31T23:59:59Z' is not a time from the years 1900 to 9999");
        oneLine(riskgate("import", csv("b.csv", head + "shop,production,c1,,2026-11-02T09:00:00Z,2026-11-02T10:00:00Z,SUCCEEDED,-3,0.5\n")
                .toString(), "--store", store()), 2, "row 2: testsTotal cannot be negative (got -3)");
        oneLine(riskgate("import", csv("c.csv", head + "shop,production,c1,,2026-11-02T09:00:00Z,2026-11-02T10:00:00Z,SUCCEEDED,1,NaN\n")
                .toString(), "--store", store()), 2, "entropy must be a number from 0 to 1 (got NaN)");
        oneLine(riskgate("backtest", "--history", csv("h.csv", "outcome,finishedAt,linesAdded\ntrue,+999999999-12-31T23:59:59Z,3\n").toString()),
                2, "'+999999999-12-31T23:59:59Z' is not a time from the years 1900 to 9999");
        String big = "x".repeat(1_000_000);
        RiskGateCliTest.Run cut = riskgate("import", csv("big.csv", head + "shop,production,c1," + big + ",2026-11-02T09:00:00Z,2026-11-02T10:00:00Z,SUCCEEDED,1,0.5\n")
                .toString(), "--store", store());
        oneLine(cut, 2, "(1000000 characters) is not a time");
        assertThat(cut.err().length()).isLessThan(400);
        String[] record = {"record", "--store", store(), "--pipeline", "p", "--environment", "e", "--commit", "c",
            "--started", "2026-11-24T10:00:00Z", "--finished", "2026-11-24T10:05:00Z", "--outcome", "FAILED"};
        oneLine(riskgate(concat(record, "--commit-time", "2026-11-24T11:00:00Z")), 2, "cannot be committed (commitTime 2026-11-24T11:00:00Z) after");
        oneLine(riskgate(concat(record, "--risk", "90", "--level", "LOW")), 2, "--level LOW contradicts risk 90, which is CRITICAL");
        oneLine(riskgate(concat(record, "--level", "SEVERE")), 2, "--level must be LOW, MEDIUM, HIGH or CRITICAL (got 'SEVERE')");
        oneLine(riskgate("record", "--store", store(), "--pipeline", "p", "--environment", "e", "--commit", "c",
                "--started", "+999999999-01-01T00:00:00Z", "--finished", "2026-11-24T10:05:00Z", "--outcome", "FAILED"), 2, "--started must be");
        RiskGateCliTest.Run anyCase = riskgate("record", "--store", store(), "--pipeline", "p", "--environment", "e", "--commit", "c",
                "--started", "1795478400", "--finished", "2026-11-25", "--outcome", "rolled_back", "--risk", "90", "--level", "critical");
        assertThat(anyCase.exit()).as(anyCase.err()).isZero();
        oneLine(riskgate("gate", "--environment", "dev", "--assessment", "x.json", "--rollback-exercised", "last tuesday"), 2,
                "--rollback-exercised must be");
    }

    @Test
    void reportJsonCarriesRatiosAtFullPrecision() throws Exception {
        imported();
        riskgate("record", "--store", store(), "--pipeline", "shop", "--environment", "production", "--commit", "c9",
                "--started", "2026-11-03T11:00:00Z", "--finished", "2026-11-03T11:05:00Z", "--outcome", "FAILED");
        JsonNode r = riskgate("report", "--store", store(), "--environment", "production", "--format", "json").json();
        assertThat(r.get("changeFailureRate").asDouble()).isEqualTo(3.0 / 6);
        JsonNode all = riskgate("report", "--store", store(), "--format", "json").json();
        assertThat(all.get("changeFailureRate").asDouble()).as("3 of 7").isEqualTo(3.0 / 7);
        assertThat(riskgate("report", "--store", store()).out()).contains("change failure rate    42.9%");
    }

    @Test
    void theDocumentedCiRecipeGivesAllFourDoraMetrics() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        repo.write("a.txt", "a\n");
        String base = repo.commit("a");
        repo.write("a.txt", "b\n");
        repo.commit("b");
        Path risk = tmp.resolve("risk.json");
        Files.writeString(risk, riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--format", "json", "--model", "default").out());
        String first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(risk.toFile()).get("firstCommitTime").asText();
        java.time.Instant finished = java.time.Instant.parse(first).plusSeconds(7200);
        String[] failed = {"record", "--assessment", risk.toString(), "--pipeline", "shop", "--environment", "production", "--store", store(),
            "--started", finished.minusSeconds(600).toString(), "--finished", finished.toString(), "--outcome", "FAILED"};
        assertThat(riskgate(failed).exit()).isZero();
        String[] restored = {"record", "--assessment", risk.toString(), "--pipeline", "shop", "--environment", "production", "--store", store(),
            "--started", finished.plusSeconds(600).toString(), "--finished", finished.plusSeconds(1800).toString(), "--outcome", "SUCCEEDED"};
        assertThat(riskgate(restored).exit()).isZero();
        JsonNode report = riskgate("report", "--store", store(), "--format", "json").json();
        assertThat(report.get("leadTime").get("median").asDouble()).as("from the first commit to the successful deployment").isEqualTo(9000.0);
        assertThat(report.get("timeToRestore").get("median").asDouble()).isEqualTo(1800.0);
        assertThat(report.get("changeFailureRate").asDouble()).isEqualTo(0.5);
        assertThat(report.get("deploymentFrequency").asDouble()).isPositive();
        assertThat(riskgate("report", "--store", store()).out()).contains("lead time for changes  median 2.5h").doesNotContain("median n/a");
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
