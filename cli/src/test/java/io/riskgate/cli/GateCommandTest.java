package io.riskgate.cli;

import static io.riskgate.cli.RiskGateCliTest.riskgate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.riskgate.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateCommandTest {
    @TempDir
    Path tmp;

    Path work;
    Path lowRisk;
    Path highRisk;
    String head;

    @BeforeEach
    void assessments() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        repo.write("src/App.java", "class App {}\n");
        String base = repo.commit("base");
        repo.write("src/App.java", "class App { int x; }\n");
        repo.commit("small");
        String small = repo.head();
        repo.write("db/migration/V2__drop.sql", "DROP TABLE customers;\n");
        head = repo.commit("drop");
        work = Files.createDirectories(tmp.resolve("work"));
        lowRisk = work.resolve("low.json");
        highRisk = work.resolve("high.json");
        Files.writeString(lowRisk, riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--head", small, "--format", "json").out());
        Files.writeString(highRisk, riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--format", "json").out());
        Files.createDirectories(work.resolve("target/surefire-reports"));
        Files.writeString(work.resolve("target/surefire-reports/TEST-AppTest.xml"),
                "<testsuite name=\"AppTest\" tests=\"2\"><testcase classname=\"AppTest\" name=\"a\"/><testcase classname=\"AppTest\" name=\"b\"/></testsuite>");
    }

    private RiskGateCliTest.Run gate(Path assessment, String environment, String... more) {
        String[] base = {"gate", "--repo", work.toString(), "--environment", environment, "--assessment", assessment.toString(),
                "--tests", "**/target/surefire-reports/*.xml"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return riskgate(all);
    }

    @Test
    void allowExitsZeroAndPrintsEveryRule() {
        RiskGateCliTest.Run run = gate(lowRisk, "dev");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Tests: 2 tests", "ALLOW promotion to dev: all 9 rules passed", "pass  tests.minimum");
    }

    @Test
    void blockExitsThreeWithTheReasons() {
        RiskGateCliTest.Run run = gate(lowRisk, "production");
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.out()).contains("BLOCK promotion to production", "FAIL  rollback.declared", "FAIL  previous-environment");
    }

    @Test
    void needsApprovalExitsFourAndJsonHasTheDecision() throws Exception {
        RiskGateCliTest.Run run = gate(highRisk, "production", "--rollback-command", "./deploy.sh --rollback",
                "--runbook", "https://runbooks.example.com/app", "--deployed", "staging=" + head, "--format", "json");
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(4);
        JsonNode json = run.json();
        assertThat(json.get("outcome").asText()).isEqualTo("NEEDS_APPROVAL");
        assertThat(json.get("environment").asText()).isEqualTo("production");
        assertThat(json.get("rules")).hasSize(9);
        for (JsonNode rule : json.get("rules")) {
            assertThat(rule.get("passed").asBoolean()).as(rule.toString()).isEqualTo(!rule.get("id").asText().equals("risk.approval"));
        }
    }

    @Test
    void freezeWindowsAndRehearsalsFollowThePolicyAndTheClock() throws Exception {
        Files.writeString(work.resolve(".riskgate.yml"), String.join("\n",
                "environments:",
                "  - name: staging",
                "  - name: production",
                "    rollback: {rehearsedWithinDays: 30}",
                "    freeze: [{name: weekend, weekly: {from: 'FRI 18:00', to: 'MON 08:00'}}]", ""));
        String[] common = {"--rollback-command", "./rb.sh", "--deployed", "staging=" + head};
        RiskGateCliTest.Run saturday = gate(highRisk, "production", concat(common, "--now", "2026-11-28T12:00:00Z", "--rollback-exercised", "2026-11-20"));
        assertThat(saturday.exit()).isEqualTo(3);
        assertThat(saturday.out()).contains("FAIL  freeze", "production is frozen: weekend");
        RiskGateCliTest.Run stale = gate(highRisk, "production", concat(common, "--now", "2026-11-25T12:00:00Z", "--rollback-exercised", "2026-09-01"));
        assertThat(stale.out()).contains("FAIL  rollback.rehearsed", "was last exercised 85 days ago");
        RiskGateCliTest.Run fresh = gate(highRisk, "production", concat(common, "--now", "2026-11-25T12:00:00Z", "--rollback-exercised", "2026-11-20"));
        assertThat(fresh.exit()).isEqualTo(4);
    }

    @Test
    void missingReportsBlockButBrokenOnesAreBadInput() throws Exception {
        RiskGateCliTest.Run none = riskgate("gate", "--repo", work.toString(), "--environment", "dev", "--assessment", lowRisk.toString(),
                "--tests", "build/test-results/**/*.xml");
        assertThat(none.exit()).isEqualTo(3);
        assertThat(none.out()).contains("Tests: no reports match 'build/test-results/**/*.xml'", "no test results found");
        Files.writeString(work.resolve("target/surefire-reports/TEST-Broken.xml"), "<testsuite name=\"x\"><testcase");
        RiskGateCliTest.Run broken = gate(lowRisk, "dev");
        assertThat(broken.exit()).isEqualTo(2);
        assertThat(broken.err()).startsWith("riskgate: ").contains("TEST-Broken.xml");
    }

    @Test
    void badInputExitsTwoWithOneLine() throws Exception {
        assertBad(gate(lowRisk, "prod"), "unknown environment 'prod': known environments are dev, staging, production");
        Path notJson = work.resolve("x.json");
        Files.writeString(notJson, "{ not json");
        assertBad(gate(notJson, "dev"), "is not valid JSON");
        Files.writeString(notJson, "{\"hello\": 1}");
        assertBad(gate(notJson, "dev"), "is not a riskgate assessment");
        assertBad(gate(work.resolve("missing.json"), "dev"), "cannot read assessment");
        assertBad(gate(lowRisk, "production", "--runbook", "ftp://x"), "must be an http(s) URL");
        assertBad(gate(lowRisk, "production", "--now", "yesterday"), "--now must be an ISO-8601 time");
        assertBad(riskgate("gate", "--environment", "dev"), "Missing required option: '--assessment=FILE'");
    }

    private static void assertBad(RiskGateCliTest.Run run, String message) {
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(run.err()).startsWith("riskgate: ").contains(message);
        assertThat(run.err().strip().lines().count()).isEqualTo(1);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void approvalsAreCountedAgainstTheQuorumAndSoakTimeComesFromTheDeployedTime() throws Exception {
        Files.writeString(work.resolve(".riskgate.yml"), String.join("\n",
                "environments:",
                "  - name: staging",
                "  - name: production",
                "    rollback: {required: false}",
                "    minSoak: 1h",
                "    approvers:",
                "      required: 2",
                "      rules:",
                "        - {groups: [release-managers], required: 1}",
                "        - {groups: [security], required: 1}",
                ""));
        String staging = "staging=" + head + "@2026-12-01T08:00:00Z";
        RiskGateCliTest.Run one = gate(highRisk, "production", "--deployed", staging, "--now", "2026-12-01T10:00:00Z",
                "--approved-by", "erin=erin@example.com:release-managers", "--format", "json");
        assertThat(one.exit()).as(one.out() + one.err()).isEqualTo(4);
        JsonNode approvals = one.json().get("approvals");
        assertThat(approvals.get("required").asInt()).isEqualTo(2);
        assertThat(approvals.get("approvedBy").get(0).get("user").asText()).isEqualTo("erin");
        assertThat(approvals.get("approvedBy").get(0).get("rules").get(0).asText()).isEqualTo("release-managers");
        assertThat(approvals.get("missing").toString()).contains("1 from security");

        RiskGateCliTest.Run two = gate(highRisk, "production", "--deployed", staging, "--now", "2026-12-01T10:00:00Z",
                "--approved-by", "erin=erin@example.com:release-managers", "--approved-by", "bob:security");
        assertThat(two.exit()).as(two.out() + two.err()).isEqualTo(0);
        assertThat(two.out()).contains("approved by erin (release-managers), bob (security)", "pass  soak");

        RiskGateCliTest.Run author = gate(highRisk, "production", "--deployed", staging, "--now", "2026-12-01T10:00:00Z",
                "--approved-by", "alice=alice@example.com:release-managers", "--approved-by", "bob:security");
        assertThat(author.exit()).as("the change's author does not count").isEqualTo(4);
        assertThat(author.out()).contains("alice is an author of this change and may not approve");

        RiskGateCliTest.Run early = gate(highRisk, "production", "--deployed", staging, "--now", "2026-12-01T08:20:00Z",
                "--approved-by", "erin:release-managers", "--approved-by", "bob:security");
        assertThat(early.exit()).isEqualTo(3);
        assertThat(early.out()).contains("FAIL  soak", "for 20m of the 1h required: this rule passes at 2026-12-01T09:00:00Z");

        RiskGateCliTest.Run rejected = gate(highRisk, "production", "--deployed", staging, "--now", "2026-12-01T10:00:00Z",
                "--approved-by", "erin:release-managers", "--rejected-by", "bob:security");
        assertThat(rejected.exit()).isEqualTo(3);
        assertThat(rejected.out()).contains("bob rejected the promotion");

        RiskGateCliTest.Run bad = gate(highRisk, "production", "--approved-by", "alice=not-an-email");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--approved-by must be USER, USER=EMAIL");
    }

    @Test
    void withoutDeployedTheSoakTimeAndThePreviousEnvironmentComeFromTheRecordStore() throws Exception {
        Files.writeString(work.resolve(".riskgate.yml"), String.join("\n",
                "environments:",
                "  - name: staging",
                "  - name: production",
                "    rollback: {required: false}",
                "    autoApproveBelow: 101",
                "    minSoak: 1h",
                ""));
        String store = tmp.resolve("store").toString();
        // the change went to staging twice (08:00 and 09:00: the soak time counts from the first), another pipeline's later
        for (String[] r : new String[][] {{"shop", head, "2026-12-01T07:50:00Z", "2026-12-01T08:00:00Z", "SUCCEEDED"},
                {"shop", head, "2026-12-01T08:50:00Z", "2026-12-01T09:00:00Z", "SUCCEEDED"},
                {"shop", "0".repeat(40), "2026-12-01T09:10:00Z", "2026-12-01T09:20:00Z", "FAILED"},
                {"billing", "1".repeat(40), "2026-12-01T09:30:00Z", "2026-12-01T09:40:00Z", "SUCCEEDED"}}) {
            RiskGateCliTest.Run recorded = riskgate("record", "--store", store, "--pipeline", r[0], "--environment", "staging",
                    "--commit", r[1], "--started", r[2], "--finished", r[3], "--outcome", r[4]);
            assertThat(recorded.exit()).as(recorded.err()).isZero();
        }
        RiskGateCliTest.Run soaked = gate(highRisk, "production", "--store", store, "--pipeline", "shop", "--now", "2026-12-01T09:05:00Z");
        assertThat(soaked.exit()).as(soaked.out() + soaked.err()).isZero();
        assertThat(soaked.out()).contains("pass  previous-environment", "pass  soak");

        RiskGateCliTest.Run early = gate(highRisk, "production", "--store", store, "--pipeline", "shop", "--now", "2026-12-01T08:30:00Z");
        assertThat(early.exit()).isEqualTo(3);
        assertThat(early.out()).contains("for 30m of the 1h required: this rule passes at 2026-12-01T09:00:00Z");

        RiskGateCliTest.Run anyPipeline = gate(highRisk, "production", "--store", store, "--now", "2026-12-01T10:00:00Z");
        assertThat(anyPipeline.exit()).as("billing deployed another commit to staging last").isEqualTo(3);
        assertThat(anyPipeline.out()).contains("FAIL  previous-environment");

        RiskGateCliTest.Run given = gate(highRisk, "production", "--store", store, "--now", "2026-12-01T10:00:00Z",
                "--deployed", "staging=" + head + "@2026-12-01T08:30:00Z");
        assertThat(given.exit()).as("--deployed wins over the store").isZero();

        RiskGateCliTest.Run missing = gate(highRisk, "production", "--store", tmp.resolve("nowhere").toString());
        assertThat(missing.exit()).isEqualTo(2);
    }
}
