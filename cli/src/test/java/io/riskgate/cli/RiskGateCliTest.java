package io.riskgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskgate.testing.TestRepo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RiskGateCliTest {
    @TempDir
    Path tmp;

    TestRepo repo;
    String base;

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run riskgate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RiskGate.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void repository() {
        repo = TestRepo.init(tmp.resolve("repo"));
        repo.lines("src/App.java", "// app", 20);
        base = repo.commit("base");
        repo.write("src/App.java", "// app 1\n// new line\n");
        repo.write("db/migration/V2__drop.sql", "DROP TABLE customers;\n");
        repo.commit("drop customers");
    }

    @Test
    void theUsageListsEveryCommandWhileARunOfOneCommandKnowsItsOwnOptions() {
        Run usage = riskgate("--help");
        assertThat(usage.exit()).isZero();
        assertThat(usage.out()).contains("assess", "gate", "backtest", "record", "import", "export", "report", "incident", "review", "store",
                "help");
        assertThat(riskgate("help", "report").out()).contains("--format");
        Run assess = riskgate("assess", "--help");
        assertThat(assess.exit()).isZero();
        assertThat(assess.out()).contains("Usage: riskgate assess", "--base", "--fail-above");
        assertThat(riskgate("--version").out()).startsWith("riskgate ");
        Run unknown = riskgate("asses", "--base", "x");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("asses");
        Run missing = riskgate("assess");
        assertThat(missing.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("--base", "riskgate assess --help");
    }

    @Test
    void assessPrintsATextReportByDefault() {
        Run run = riskgate("assess", "--repo", repo.dir().toString(), "--base", base);
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("/100 HIGH", "DESTRUCTIVE_MIGRATION", "db/migration/V2__drop.sql:1");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void assessJsonFollowsTheContract() throws Exception {
        Run run = riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--head", "HEAD", "--format", "json");
        assertThat(run.exit()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("level").asText()).isEqualTo("HIGH");
        assertThat(json.get("score").asInt()).isBetween(50, 100);
        assertThat(json.get("baseline").asText()).isEqualTo(base);
        assertThat(json.get("head").asText()).isEqualTo(repo.head());
        assertThat(json.get("metrics").get("files").asInt()).isEqualTo(2);
        assertThat(json.get("reversibility").get(0).get("kind").asText()).isEqualTo("DESTRUCTIVE_MIGRATION");
        int sum = 0;
        for (JsonNode f : json.get("factors")) {
            sum += f.get("points").asInt();
        }
        assertThat(sum).isEqualTo(json.get("score").asInt());
    }

    @Test
    void failAboveExitsWithThreeWhenTheScoreIsHigher() throws Exception {
        int score = riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--format", "json").json().get("score").asInt();
        Run above = riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--fail-above", String.valueOf(score - 1));
        assertThat(above.exit()).isEqualTo(3);
        assertThat(above.err()).contains("is above --fail-above " + (score - 1));
        Run equal = riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--fail-above", String.valueOf(score));
        assertThat(equal.exit()).isZero();
    }

    @Test
    void badInputExitsWithTwoAndOneClearLine() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        assertBadInput(riskgate("assess", "--repo", plain.toString(), "--base", "HEAD"), "is not a git repository");
        assertBadInput(riskgate("assess", "--repo", repo.dir().toString(), "--base", "nope"), "baseline 'nope' is not a commit");
        assertBadInput(riskgate("assess", "--repo", repo.dir().toString()), "Missing required option: '--base=REF'");
        assertBadInput(riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--format", "xml"), "--format");
        assertBadInput(riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--fail-above", "101"), "between 0 and 100");
        Path policy = tmp.resolve("bad.yml");
        Files.writeString(policy, "weights: {lines: lots}\n");
        assertBadInput(riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--policy", policy.toString()),
                "invalid policy " + policy + ": weights.lines: must be a number (got 'lots')");
        assertBadInput(riskgate("bogus"), "Unmatched argument");
    }

    private static void assertBadInput(Run run, String message) {
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).startsWith("riskgate: ").contains(message);
        assertThat(run.err().strip().lines().count()).as("one line: " + run.err()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void theRepositoryPolicyFileIsUsed() throws Exception {
        repo.write(".riskgate.yml", "minimumLevel: {destructiveMigration: CRITICAL}\n");
        repo.commit("policy");
        Run run = riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--format", "json");
        assertThat(run.json().get("level").asText()).isEqualTo("CRITICAL");
        Run text = riskgate("assess", "--repo", repo.dir().toString(), "--base", base);
        assertThat(text.out()).contains("Policy: ").contains(".riskgate.yml");
    }

    @Test
    void helpShowsExamples() {
        Run run = riskgate("assess", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Examples:", "--fail-above", "--base=REF");
        Run top = riskgate("--help");
        assertThat(top.out()).contains("assess");
    }
}
