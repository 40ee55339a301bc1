package io.riskgate.cli;

import static io.riskgate.cli.RiskGateCliTest.riskgate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.riskgate.testing.TestRepo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** riskgate incident, review and the incident side of report and gate, against a real embedded store. */
class IncidentsCliTest {
    @TempDir
    Path tmp;

    String store;

    @BeforeEach
    void records() throws Exception {
        store = tmp.resolve("store").toString();
        Path csv = tmp.resolve("records.csv");
        Files.writeString(csv, RecordsCliTest.CSV);
        assertThat(riskgate("import", csv.toString(), "--store", store).exit()).isZero();
    }

    @Test
    void anIncidentIsLinkedToTheDeploymentLiveWhenItStartedAndReportingItAgainChangesNothing() throws Exception {
        RiskGateCliTest.Run open = riskgate("incident", "open", "--store", store, "--id", "INC-1", "--title", "checkout errors",
                "--severity", "SEV2", "--pipeline", "shop", "--environment", "production", "--started", "2026-11-02T11:10:00Z");
        assertThat(open.exit()).as(open.err()).isZero();
        assertThat(open.out()).contains("incident INC-1 opened, linked to deployment r1 (live when it started)");
        assertThat(riskgate("incident", "open", "--store", store, "--id", "INC-1", "--title", "checkout errors", "--severity", "SEV2",
                "--pipeline", "shop", "--environment", "production", "--started", "2026-11-02T11:10:00Z").out()).contains("INC-1 unchanged");
        RiskGateCliTest.Run resolved = riskgate("incident", "resolve", "--store", store, "--id", "INC-1", "--resolved", "2026-11-02T12:40:00Z");
        assertThat(resolved.out()).contains("INC-1 resolved", "restored in 90m");
        assertThat(riskgate("incident", "resolve", "--store", store, "--id", "INC-1", "--resolved", "2026-11-02T13:00:00Z").out())
                .contains("INC-1 unchanged");
        RiskGateCliTest.Run lost = riskgate("incident", "resolve", "--store", store, "--id", "INC-2", "--resolved", "2026-11-02T13:00:00Z");
        assertThat(lost.exit()).isEqualTo(2);
        assertThat(lost.err()).contains("there is no incident 'INC-2' to resolve").hasLineCount(1);
        RiskGateCliTest.Run early = riskgate("incident", "open", "--store", store, "--id", "INC-0", "--pipeline", "shop",
                "--environment", "production", "--started", "2026-11-01T00:00:00Z");
        assertThat(early.out()).contains("not linked: no successful deployment of shop to production before it started");

        JsonNode list = riskgate("incident", "list", "--store", store, "--format", "json").json();
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("id").asText()).isEqualTo("INC-1");
        assertThat(list.get(0).get("deployment").asText()).isEqualTo("r1");

        JsonNode exported = riskgate("export", "--store", store, "--environment", "production", "--format", "json").json();
        assertThat(exported.get(0).get("id").asText()).isEqualTo("r1");
        assertThat(exported.get(0).get("incidents").get(0).get("id").asText()).isEqualTo("INC-1");
        assertThat(exported.get(0).get("incidents").get(0).get("link").asText()).isEqualTo("LIVE");
        assertThat(exported.get(1).get("incidents")).isEmpty();
        String csv = riskgate("export", "--store", store, "--environment", "production").out();
        assertThat(csv.lines().findFirst().orElseThrow()).endsWith(",fix,incidents,verificationOutcome,verificationSeconds");
        assertThat(csv.lines().skip(1).findFirst().orElseThrow()).startsWith("r1,").contains(",INC-1,");

        JsonNode report = riskgate("report", "--store", store, "--environment", "production", "--format", "json").json();
        JsonNode incidents = report.get("incidents");
        assertThat(incidents.get("count").asInt()).isEqualTo(2);
        assertThat(incidents.get("unlinked").asInt()).isEqualTo(1);
        assertThat(incidents.get("deploymentsCausingIncidents").asInt()).isEqualTo(1);
        assertThat(incidents.get("changeFailureRate").asDouble()).isEqualTo(1 / 5.0);
        assertThat(incidents.get("combinedChangeFailureRate").asDouble()).as("r1 caused INC-1, r2 failed, r4 was rolled back").isEqualTo(3 / 5.0);
        assertThat(incidents.get("timeToRestore").get("median").asDouble()).isEqualTo(5400.0);
        assertThat(report.get("changeFailureRate").asDouble()).isEqualTo(2 / 5.0);
        assertThat(report.get("timeToRestore").get("median").asDouble()).as("deployment-based: 1800 s and 5400 s").isEqualTo(3600.0);
    }

    @Test
    void incidentCsvImportIsAllOrNoneIdempotentFormulaSafeAndBounded() throws Exception {
        Path csv = tmp.resolve("incidents.csv");
        Files.write(csv, ("\uFEFFid,title,severity,pipeline,environment,startedAt,resolvedAt\n"
                + "PD-1,'=HYPERLINK(\"http://evil\"),SEV1,shop,production,2026-11-02T10:30:00Z,2026-11-02T11:00:00Z\n"
                + "PD-2,slow pages,SEV3,shop,production,2026-11-03T09:30:00Z,\n").getBytes(StandardCharsets.UTF_8));
        RiskGateCliTest.Run first = riskgate("incident", "import", csv.toString(), "--store", store);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("imported 2 incidents", "2 new, 0 updated, 0 unchanged; 0 not linked");
        assertThat(riskgate("incident", "import", csv.toString(), "--store", store).out()).contains("0 new, 0 updated, 2 unchanged");
        JsonNode list = riskgate("incident", "list", "--store", store, "--format", "json").json();
        assertThat(list.get(1).get("title").asText()).isEqualTo("=HYPERLINK(\"http://evil\")");
        assertThat(list.get(0).get("deployment").asText()).as("r4 was rolled back: r3 was live").isEqualTo("r3");
        String exported = riskgate("incident", "list", "--store", store, "--format", "csv").out();
        assertThat(exported).contains("\"'=HYPERLINK(\"\"http://evil\"\")\"").doesNotContain(",=HYPERLINK");

        Path twice = tmp.resolve("twice.csv");
        Files.writeString(twice, "id,pipeline,environment,startedAt\nPD-9,shop,production,2026-11-02T10:30:00Z\n"
                + "PD-8,shop,production,2026-11-02T10:30:00Z\nPD-9,shop,production,2026-11-02T10:31:00Z\n");
        RiskGateCliTest.Run dup = riskgate("incident", "import", twice.toString(), "--store", store);
        assertThat(dup.exit()).isEqualTo(2);
        assertThat(dup.err()).contains("rows 2 and 4 are both incident 'PD-9'");
        assertThat(riskgate("incident", "list", "--store", store, "--format", "json").json()).as("nothing half-written").hasSize(2);

        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "id,pipeline,environment,startedAt\nPD-7,shop,production,yesterday\n");
        assertThat(riskgate("incident", "import", bad.toString(), "--store", store).err())
                .contains("bad.csv row 2: column startedAt: 'yesterday' is not a time");

        StringBuilder many = new StringBuilder("id,pipeline,environment,startedAt\n");
        for (int i = 0; i <= io.riskgate.records.IncidentCsv.MAX_ROWS; i++) {
            many.append("X-").append(i).append(",shop,production,2026-11-02T10:30:00Z\n");
        }
        Path big = tmp.resolve("big.csv");
        Files.writeString(big, many);
        RiskGateCliTest.Run tooMany = riskgate("incident", "import", big.toString(), "--store", store);
        assertThat(tooMany.exit()).isEqualTo(2);
        assertThat(tooMany.err()).contains("more than 100000 incidents: split the file");
    }

    @Test
    void reviewsAttachToFailuresAndTheGateRuleReadsTheFailuresWaitingFromTheStore() throws Exception {
        RiskGateCliTest.Run pending = riskgate("review", "pending", "--store", store, "--environment", "production");
        assertThat(pending.out()).contains("r4", "ROLLED_BACK").doesNotContain("r2 ").contains("1 deployment waiting for a post-incident review");
        RiskGateCliTest.Run notAFailure = riskgate("review", "add", "--store", store, "--deployment", "r5", "--url", "https://wiki/pir/5",
                "--author", "alice");
        assertThat(notAFailure.exit()).isEqualTo(2);
        assertThat(notAFailure.err()).contains("succeeded and no incident is linked to it");
        assertThat(riskgate("review", "add", "--store", store, "--deployment", "r4", "--url", "javascript:alert(1)", "--author", "a").err())
                .contains("must be an http:// or https:// link");

        TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        repo.write("src/App.java", "class App {}\n");
        String base = repo.commit("base");
        repo.write("src/App.java", "class App { int x; }\n");
        repo.commit("small");
        Path assessment = tmp.resolve("low.json");
        Files.writeString(assessment, riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--format", "json").out());
        Path policy = tmp.resolve("policy.yml");
        Files.writeString(policy, String.join("\n", "environments:", "  - name: staging", "    minTests: 0", "  - name: production",
                "    minTests: 0", "    rollback: {required: false}", "    requirePreviousEnvironment: false",
                "    requireReviewedFailures: {olderThanDays: 7, action: approve}", ""));
        String[] gate = {"gate", "--repo", repo.dir().toString(), "--policy", policy.toString(), "--environment", "production",
                "--assessment", assessment.toString(), "--pipeline", "shop", "--store", store, "--now", "2026-11-20T00:00:00Z"};
        RiskGateCliTest.Run held = riskgate(gate);
        assertThat(held.exit()).as(held.out() + held.err()).isEqualTo(4);
        assertThat(held.out()).contains("WAIT  reviews.failures", "1 failure in production has waited more than 7 days", "deployment r4");

        RiskGateCliTest.Run added = riskgate("review", "add", "--store", store, "--deployment", "r4", "--url", "https://wiki/pir/4",
                "--author", "alice", "--summary", "the migration locked the table");
        assertThat(added.out()).contains("review of deployment r4 attached");
        RiskGateCliTest.Run allowed = riskgate(gate);
        assertThat(allowed.exit()).as(allowed.out()).isZero();
        assertThat(riskgate("export", "--store", store, "--environment", "production", "--format", "json").json().get(3).get("pirUrl").asText()).isEqualTo("https://wiki/pir/4");
        JsonNode readiness = riskgate("report", "--store", store, "--format", "json").json().get("readiness");
        assertThat(readiness.toString()).contains("\"recentFailures\"");
        assertThat(riskgate("review", "pending", "--store", store).out()).contains("0 deployments waiting");
    }

    @Test
    void withAWebhookTheIncidentAndReviewEventsArePostedWithTheirStableIds() throws Exception {
        java.util.List<String[]> posted = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger(202);
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/events", x -> {
            posted.add(new String[] {x.getRequestHeaders().getFirst("Idempotency-Key"), new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)});
            x.sendResponseHeaders(status.get(), -1);
            x.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
            String[] open = {"incident", "open", "--store", store, "--id", "INC-1", "--title", "checkout errors", "--pipeline", "shop",
                    "--environment", "production", "--started", "2026-11-02T11:10:00Z", "--webhook", url};
            RiskGateCliTest.Run opened = riskgate(open);
            assertThat(opened.exit()).as(opened.err()).isZero();
            assertThat(posted).hasSize(1);
            assertThat(posted.get(0)[1]).contains("\"type\":\"incident.opened\"", "\"id\":\"" + posted.get(0)[0] + "\"", "\"deployment\":\"r1\"");
            assertThat(opened.out()).contains("sent event " + posted.get(0)[0] + " (incident.opened) to the webhook");
            assertThat(riskgate(open).exit()).as("reported again: the same event").isZero();
            assertThat(posted.get(1)[0]).isEqualTo(posted.get(0)[0]);
            assertThat(riskgate("incident", "resolve", "--store", store, "--id", "INC-1", "--resolved", "2026-11-02T12:40:00Z", "--webhook", url)
                    .exit()).isZero();
            assertThat(posted.get(2)[1]).contains("\"type\":\"incident.resolved\"", "\"restoreSeconds\":5400");
            assertThat(riskgate("review", "add", "--store", store, "--deployment", "r1", "--url", "https://wiki.example.com/pir/1",
                    "--author", "alice", "--webhook", url).exit()).isZero();
            assertThat(posted.get(3)[1]).contains("\"type\":\"review.added\"", "\"pipeline\":\"shop\"", "\"environment\":\"production\"");

            // a webhook that refuses: the incident is recorded, the command says the event was not sent (retry later)
            status.set(400);
            RiskGateCliTest.Run refused = riskgate("incident", "open", "--store", store, "--id", "INC-2", "--pipeline", "shop",
                    "--environment", "production", "--started", "2026-11-02T11:20:00Z", "--webhook", url);
            assertThat(refused.exit()).isEqualTo(5);
            assertThat(refused.err()).contains("the incident.opened event", "was not sent", "HTTP 400").hasLineCount(1);
            // not a webhook URL: nothing is written
            RiskGateCliTest.Run bad = riskgate("incident", "open", "--store", store, "--id", "INC-3", "--pipeline", "shop",
                    "--environment", "production", "--started", "2026-11-02T11:30:00Z", "--webhook", "ftp://example.com/x");
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).contains("--webhook").hasLineCount(1);
            assertThat(riskgate("incident", "list", "--store", store, "--format", "json").json().toString()).contains("INC-2")
                    .doesNotContain("INC-3");
        } finally {
            server.stop(0);
        }
    }
}
