package io.riskgate.cli;

import static io.riskgate.cli.RiskGateCliTest.riskgate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordsCliTest {
    @TempDir
    Path tmp;

    /** production: 4 deployments over 2 days, 2 failures; lead times of the successes 3600 s and 7200 s; restores after 1800 s and 5400 s. */
    static final String CSV = String.join("\n",
            "id,pipeline,environment,commit,commitTime,startedAt,finishedAt,outcome,riskScore,riskLevel,runbookUrl,pirUrl,testsTotal,approvals",
            "r1,shop,production,c1,2026-11-02T09:00:00Z,2026-11-02T09:50:00Z,2026-11-02T10:00:00Z,SUCCEEDED,10,LOW,https://runbooks/shop,,20,",
            "r2,shop,production,c2,2026-11-02T10:00:00Z,2026-11-02T10:50:00Z,2026-11-02T11:00:00Z,FAILED,70,HIGH,https://runbooks/shop,https://pir/1,20,",
            "r3,shop,production,c3,2026-11-02T10:30:00Z,2026-11-02T11:20:00Z,2026-11-02T11:30:00Z,SUCCEEDED,30,MEDIUM,https://runbooks/shop,,20,\"alice APPROVED 2026-11-02T11:19:00Z: \"\"ok, <b>go</b>\"\"\"",
            "r4,shop,production,c4,2026-11-03T08:00:00Z,2026-11-03T08:50:00Z,2026-11-03T09:00:00Z,ROLLED_BACK,80,CRITICAL,https://runbooks/shop,,20,",
            "r5,shop,production,c5,2026-11-03T07:30:00Z,2026-11-03T10:20:00Z,2026-11-03T10:30:00Z,SUCCEEDED,20,LOW,https://runbooks/shop,,20,",
            "r6,<script>alert(1)</script>,staging,c1,2026-11-02T09:00:00Z,2026-11-02T09:10:00Z,2026-11-02T09:20:00Z,SUCCEEDED,10,LOW,,,0,",
            "");

    Path store() {
        return tmp.resolve("store");
    }

    Path csv() throws Exception {
        Path file = tmp.resolve("records.csv");
        Files.writeString(file, CSV);
        return file;
    }

    @Test
    void importTwiceChangesNothingAndExportRoundTrips() throws Exception {
        RiskGateCliTest.Run first = riskgate("import", csv().toString(), "--store", store().toString());
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("imported 6 records");
        String before = riskgate("export", "--store", store().toString()).out();
        assertThat(riskgate("import", csv().toString(), "--store", store().toString()).exit()).isZero();
        String after = riskgate("export", "--store", store().toString()).out();
        assertThat(after).isEqualTo(before);
        assertThat(after.lines().count()).isEqualTo(7);
        assertThat(after.lines().findFirst().orElseThrow())
                .startsWith("id,pipeline,environment,commit,commitTime,startedAt,finishedAt,outcome,riskScore,riskLevel");
        Path exported = tmp.resolve("exported.csv");
        Files.writeString(exported, after);
        Path other = tmp.resolve("other");
        assertThat(riskgate("import", exported.toString(), "--store", other.toString()).exit()).isZero();
        assertThat(riskgate("export", "--store", other.toString()).out()).isEqualTo(after);
        JsonNode json = RiskGateCliTest.Run.class.cast(riskgate("export", "--format", "json", "--store", store().toString(),
                "--environment", "production")).json();
        assertThat(json).hasSize(5);
        assertThat(json.get(2).get("approvals").asText()).isEqualTo("alice APPROVED 2026-11-02T11:19:00Z: \"ok, <b>go</b>\"");
    }

    @Test
    void storeRebuildRecomputesLostAggregatesAndTheReportAgreesAgain() throws Exception {
        riskgate("import", csv().toString(), "--store", store().toString());
        String[] report = {"report", "--store", store().toString(), "--environment", "production", "--since", "2026-11-02",
                "--until", "2026-11-04", "--format", "json"};
        String before = riskgate(report).out();
        String url = "jdbc:h2:file:" + store().toAbsolutePath().resolve("records") + ";AUTO_SERVER=TRUE;FILE_LOCK=SOCKET";
        try (var c = java.sql.DriverManager.getConnection(url); var s = c.createStatement()) {
            s.execute("DELETE FROM change_record_period");
        }
        assertThat(riskgate(report).json().get("deployments").asLong()).as("the report reads the aggregates").isZero();
        RiskGateCliTest.Run rebuild = riskgate("store", "rebuild", "--store", store().toString());
        assertThat(rebuild.exit()).as(rebuild.err()).isZero();
        assertThat(rebuild.out()).startsWith("rebuilt the aggregates of 6 records in " + store());
        // the failures waiting for a review carry their age at the moment of the report
        assertThat(withoutAges(riskgate(report).out())).isEqualTo(withoutAges(before));
        RiskGateCliTest.Run missing = riskgate("store", "rebuild", "--store", tmp.resolve("none").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("there is no record store in");
    }

    /** {@code n} records of one pipeline in production, a minute apart, every fifth a failure. */
    private Path manyRecords(String name, int n) throws Exception {
        StringBuilder csv = new StringBuilder(CSV.substring(0, CSV.indexOf('\n') + 1));
        java.time.Instant t0 = java.time.Instant.parse("2026-06-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            java.time.Instant finished = t0.plusSeconds(60L * i);
            csv.append("m").append(i).append(",shop,production,c").append(i).append(',').append(finished.minusSeconds(3600)).append(',')
                    .append(finished.minusSeconds(60)).append(',').append(finished).append(',').append(i % 5 == 4 ? "FAILED" : "SUCCEEDED")
                    .append(",10,LOW,,,20,\n");
        }
        Path file = tmp.resolve(name);
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void aLargeImportCompactsTheEmbeddedStoreAndStoreCompactDoesItOnRequest() throws Exception {
        Path large = manyRecords("large.csv", 12_000);
        RiskGateCliTest.Run imported = riskgate("import", large.toString(), "--store", store().toString(), "--no-compact");
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("imported 12000 records").doesNotContain("compacted");
        long written = Files.size(store().resolve("records.mv.db"));
        String export = riskgate("export", "--store", store().toString()).out();
        String report = riskgate("report", "--store", store().toString(), "--format", "json").out();

        RiskGateCliTest.Run compacted = riskgate("store", "compact", "--store", store().toString());
        assertThat(compacted.exit()).as(compacted.err()).isZero();
        assertThat(compacted.out()).startsWith("compacted the record store's file in " + store() + ": ");
        assertThat(Files.size(store().resolve("records.mv.db"))).isLessThan(written / 2);
        assertThat(riskgate("export", "--store", store().toString()).out()).isEqualTo(export);
        assertThat(withoutAges(riskgate("report", "--store", store().toString(), "--format", "json").out())).isEqualTo(withoutAges(report));

        // an import of as many records compacts by itself; a small one does not
        Path other = tmp.resolve("other");
        RiskGateCliTest.Run again = riskgate("import", large.toString(), "--store", other.toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("imported 12000 records").contains("compacted the record store's file in " + other);
        assertThat(Files.size(other.resolve("records.mv.db"))).isLessThan(written / 2);
        assertThat(riskgate("export", "--store", other.toString()).out()).isEqualTo(export);
        RiskGateCliTest.Run small = riskgate("import", csv().toString(), "--store", other.toString());
        assertThat(small.out()).contains("imported 6 records").doesNotContain("compacted");
        // what an import compacts after: 10,000 records written or more, and a tenth of the store or more
        assertThat(ImportCommand.compactsAfter(10_000, 10_000)).isTrue();
        assertThat(ImportCommand.compactsAfter(9_999, 9_999)).isFalse();
        assertThat(ImportCommand.compactsAfter(10_000, 100_000)).isTrue();
        assertThat(ImportCommand.compactsAfter(10_000, 100_001)).isFalse();
        assertThat(ImportCommand.compactsAfter(120_000, 1_000_000)).isTrue();
    }

    @Test
    void storeCompactRefusesWhatItCannotCompact() {
        long started = System.nanoTime();
        RiskGateCliTest.Run server = riskgate("store", "compact", "--store", "jdbc:postgresql://127.0.0.1:1/records");
        assertThat(server.exit()).isEqualTo(2);
        assertThat(server.err()).contains("only an embedded record store (a directory) can be compacted")
                .contains("PostgreSQL reclaims space with VACUUM");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("refused without connecting").isLessThan(java.time.Duration.ofSeconds(20));
        RiskGateCliTest.Run missing = riskgate("store", "compact", "--store", tmp.resolve("none").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("there is no record store in");
    }

    private static String withoutAges(String json) {
        return json.replaceAll("\"ageDays\" : [0-9.E-]+", "\"ageDays\" : _");
    }

    @Test
    void reportJsonHasTheDoraMetricsAsDefined() throws Exception {
        riskgate("import", csv().toString(), "--store", store().toString());
        RiskGateCliTest.Run run = riskgate("report", "--store", store().toString(), "--environment", "production",
                "--since", "2026-11-02", "--until", "2026-11-04", "--format", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode r = run.json();
        assertThat(r.get("deployments").asLong()).isEqualTo(5);
        assertThat(r.get("deploymentFrequency").asDouble()).isEqualTo(1.5);
        assertThat(r.get("leadTime").get("median").asDouble()).isEqualTo(3600.0);
        assertThat(r.get("leadTime").get("p90").asDouble()).as("nearest rank of 3600, 3600, 10800").isEqualTo(10800.0);
        assertThat(r.get("timeToRestore").get("median").asDouble()).as("restores after 1800 s and 5400 s").isEqualTo(3600.0);
        assertThat(r.get("changeFailureRate").asDouble()).isEqualTo(0.4);
        assertThat(r.get("calibration").get("auc").asDouble()).as("both failures scored above every success").isEqualTo(1.0);
        JsonNode shop = r.get("readiness").get(0);
        assertThat(shop.get("pipeline").asText()).isEqualTo("shop");
        assertThat(shop.get("runbookLinked").asBoolean()).isTrue();
        assertThat(shop.get("productionApprovals").asBoolean()).isTrue();
        JsonNode window = riskgate("report", "--store", store().toString(), "--environment", "production",
                "--since", "2026-11-02T11:00:00Z", "--until", "2026-11-03T09:00:00Z", "--format", "json").json();
        assertThat(window.get("deployments").asLong()).as("since inclusive, until exclusive").isEqualTo(2);
    }

    @Test
    void theHtmlDashboardIsSelfContainedAndEscaped() throws Exception {
        riskgate("import", csv().toString(), "--store", store().toString());
        Path dir = tmp.resolve("dashboard");
        RiskGateCliTest.Run run = riskgate("report", "--store", store().toString(), "--html", dir.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("deployment frequency", "change failure rate");
        String html = Files.readString(dir.resolve("index.html"));
        assertThat(html).contains("<svg", "Deployment frequency", "Readiness", "Latest changes", "&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(html).doesNotContain("<script", "src=\"http", "href=\"http://cdn", "<link");
    }

    @Test
    void recordWritesOneRecordWithAStableId() {
        String[] args = {"record", "--store", store().toString(), "--pipeline", "shop", "--environment", "production", "--commit", "abc",
                "--commit-time", "2026-11-24T09:00:00Z", "--started", "2026-11-24T10:00:00Z", "--finished", "2026-11-24T10:05:00Z",
                "--outcome", "SUCCEEDED", "--risk", "12", "--level", "low"};
        RiskGateCliTest.Run run = riskgate(args);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(riskgate(args).exit()).isZero();
        assertThat(riskgate("export", "--store", store().toString()).out().lines().count()).isEqualTo(2);
    }

    @Test
    void badInputNamesTheRowAndColumn() throws Exception {
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "pipeline,environment,commit,startedAt,finishedAt,outcome\nshop,production,c1,yesterday,2026-11-02T10:00:00Z,SUCCEEDED\n");
        RiskGateCliTest.Run run = riskgate("import", bad.toString(), "--store", store().toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("row 2, column startedAt: 'yesterday' is not a time from the years 1900 to 9999");
        Files.writeString(bad, "pipeline,commit\nshop,c1\n");
        assertThat(riskgate("import", bad.toString(), "--store", store().toString()).err())
                .contains("missing columns environment, startedAt, finishedAt, outcome");
        Files.writeString(bad, "pipeline,environment,commit,startedAt,finishedAt,outcome\nshop,production,c1,2026-11-02T10:00:00Z,2026-11-02T11:00:00Z,DONE\n");
        assertThat(riskgate("import", bad.toString(), "--store", store().toString()).err()).contains("'DONE' is not SUCCEEDED, FAILED or ROLLED_BACK");
        RiskGateCliTest.Run missing = riskgate("record", "--store", store().toString(), "--pipeline", "p", "--environment", "e",
                "--commit", "c", "--started", "2026-11-24T10:00:00Z", "--finished", "2026-11-24T09:00:00Z", "--outcome", "FAILED");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot finish");
        assertThat(riskgate("report", "--store", store().toString(), "--since", "2026-11-05", "--until", "2026-11-01").err())
                .contains("the window is empty");
        assertThat(riskgate("report", "--store", "jdbc:mysql://x/y").err()).contains("unsupported record store");
    }
}
