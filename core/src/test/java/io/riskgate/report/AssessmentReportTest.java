package io.riskgate.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskgate.policy.RiskPolicy;
import io.riskgate.risk.ChangeAssessor;
import io.riskgate.risk.RiskAssessment;
import io.riskgate.testing.TestRepo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssessmentReportTest {
    @TempDir
    Path tmp;

    private RiskAssessment migrationChange() {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        repo.write("app/Main.java", "class Main {}\n");
        String base = repo.commit("base");
        repo.write("db/migration/V2__drop.sql", "DROP TABLE old_orders;\n");
        repo.write("app/Main.java", "class Main { int x; }\n");
        repo.commit("drop <script>alert(1)</script>");
        RiskPolicy p = RiskPolicy.defaults();
        return new ChangeAssessor(p.detection(), p.scoring()).assess(repo.dir(), base, "HEAD");
    }

    @Test
    void jsonHasTheContractKeys() throws Exception {
        RiskAssessment a = migrationChange();
        JsonNode json = new ObjectMapper().readTree(AssessmentReport.toJson(a));
        assertThat(json.get("score").asInt()).isEqualTo(a.score());
        assertThat(json.get("level").asText()).isEqualTo("HIGH");
        assertThat(json.get("baseline").asText()).hasSize(40);
        assertThat(json.get("head").asText()).isEqualTo(a.change().head());
        int sum = 0;
        for (JsonNode f : json.get("factors")) {
            assertThat(f.has("id") && f.has("points") && f.has("explanation")).isTrue();
            sum += f.get("points").asInt();
        }
        assertThat(sum).isEqualTo(a.score());
        JsonNode metrics = json.get("metrics");
        for (String key : List.of("linesAdded", "linesDeleted", "files", "directories", "subsystems", "entropy", "commits", "authors")) {
            assertThat(metrics.has(key)).as(key).isTrue();
        }
        assertThat(metrics.get("files").asInt()).isEqualTo(2);
        JsonNode finding = json.get("reversibility").get(0);
        assertThat(finding.get("kind").asText()).isEqualTo("DESTRUCTIVE_MIGRATION");
        assertThat(finding.get("path").asText()).isEqualTo("db/migration/V2__drop.sql");
        assertThat(finding.get("line").asInt()).isEqualTo(1);
        assertThat(finding.get("evidence").asText()).contains("DROP TABLE old_orders");
        assertThat(json.get("commits").get(0).get("subject").asText()).isEqualTo("drop <script>alert(1)</script>");
    }

    @Test
    void jsonAndTextCarryTheHistoryMeasures() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("h"));
        repo.write("app/Main.java", "class Main {}\n");
        repo.commitAs("Bob", "bob@example.com", "base");
        repo.write("app/Main.java", "class Main { int y; }\n");
        String base = repo.commitAs("Carol", "carol@example.com", "second");
        repo.write("app/Main.java", "class Main { int x; }\n");
        repo.commit("Fix the field name");
        RiskPolicy p = RiskPolicy.defaults();
        RiskAssessment a = new ChangeAssessor(p.detection(), p.scoring()).assess(repo.dir(), base, "HEAD");

        JsonNode metrics = new ObjectMapper().readTree(AssessmentReport.toJson(a)).get("metrics");
        assertThat(metrics.get("developers").asInt()).isEqualTo(2);
        assertThat(metrics.get("priorChanges").asInt()).isEqualTo(2);
        assertThat(metrics.get("age").asDouble()).isEqualTo(0.04);          // one hour, in days, rounded
        assertThat(metrics.get("authorExperience").asDouble()).isEqualTo(0.0);
        assertThat(metrics.get("recentExperience").asDouble()).isEqualTo(0.0);
        assertThat(metrics.get("subsystemExperience").asDouble()).isEqualTo(0.0);
        assertThat(metrics.get("fix").asBoolean()).isTrue();
        assertThat(AssessmentReport.toText(a)).contains("History: 2 earlier changes to these files by 2 developers, last changed 1.0 hours ago"
                + " on average; no earlier commit by the author; a defect fix (2 earlier commits read)");
    }

    @Test
    void theMapHoldsOnlyPlainTypes() {
        assertPlain(AssessmentReport.toMap(migrationChange()));
    }

    private static void assertPlain(Object value) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                assertThat(k).isInstanceOf(String.class);
                assertPlain(v);
            });
        } else if (value instanceof List<?> list) {
            list.forEach(AssessmentReportTest::assertPlain);
        } else if (value != null) {
            assertThat(value).isInstanceOfAny(String.class, Integer.class, Long.class, Double.class, Boolean.class);
        }
    }

    @Test
    void textShowsHeadlineFactorsAndFindings() {
        RiskAssessment a = migrationChange();
        String text = AssessmentReport.toText(a);
        assertThat(text).startsWith("Risk " + a.score() + "/100 HIGH");
        assertThat(text).contains("reversibility.destructive-migration", "size.entropy",
                "DESTRUCTIVE_MIGRATION", "db/migration/V2__drop.sql:1");
        assertThat(text).containsPattern("\\n\\s+" + a.score() + "  score\\n");
    }
    @Test
    void theModelIsNamedWithItsNoteInTextAndJson() throws Exception {
        RiskAssessment a = migrationChange();
        assertThat(AssessmentReport.toText(a)).contains("\nModel: default\n");
        assertThat(new ObjectMapper().readTree(AssessmentReport.toJson(a)).has("modelNote")).isFalse();
        String note = "learned from 412 deployments since 2025-11-24, 37 of them failed";
        assertThat(AssessmentReport.toText(a, note)).contains("\nModel: default (" + note + ")\n");
        assertThat(new ObjectMapper().readTree(AssessmentReport.toJson(a, note)).get("modelNote").asText()).isEqualTo(note);
    }

    @Test
    void namesFromTheRepositoryCannotActOnTheReadersTerminal() {
        TestRepo repo = TestRepo.init(tmp.resolve("t"));
        repo.write("app/Main.java", "class Main {}\n");
        String base = repo.commit("base");
        // a file whose name moves the cursor up and erases the line, to hide the finding printed before it
        String hiding = "db/migration/V3__x\u001b[1A\u001b[2K\u202e.sql";
        repo.write("db/migration/V2__drop.sql", "DROP TABLE orders; -- \u001b[2K\r\n");
        repo.write(hiding, "ALTER TABLE t DROP COLUMN c;\n");
        repo.commit("change");
        RiskPolicy p = RiskPolicy.defaults();
        RiskAssessment a = new ChangeAssessor(p.detection(), p.scoring()).assess(repo.dir(), base, "HEAD");
        String text = AssessmentReport.toText(a, "note \u001b]0;title\u0007");
        assertThat(text).doesNotContain("\u001b").doesNotContain("\u202e").doesNotContain("\u0007").doesNotContain("\r");
        assertThat(text).contains("db/migration/V3__x\\e[1A\\e[2K\\u202e.sql:1").contains("note \\e]0;title\\x07");
        assertThat(text.lines().filter(l -> l.contains("DESTRUCTIVE_MIGRATION"))).hasSize(2);
        // JSON keeps the real name (its own escaping makes it safe)
        assertThat(AssessmentReport.toJson(a)).contains("V3__x\\u001B[1A");
    }

    @Test
    void terminalTextKeepsPrintableTextAndCutsLongText() {
        assertThat(TerminalText.safe("plain ünïcode / path.sql")).isEqualTo("plain ünïcode / path.sql");
        assertThat(TerminalText.safe("a\tb\nc\u0085d\u2028e")).isEqualTo("a\\tb\\nc\\x85d\\u2028e");
        assertThat(TerminalText.safe("x".repeat(5000), 10)).isEqualTo("xxxxxxxxxx... (4990 more characters)");
        assertThat(TerminalText.safe(null)).isNull();
    }

    @Test
    void theHistoryLineReadsTheSameFromTheJson() throws Exception {
        RiskAssessment a = migrationChange();
        Assessment read = Assessment.read(AssessmentReport.toJson(a), "the assessment");
        String line = read.historyLine();
        assertThat(line).startsWith("History: ").isEqualTo(AssessmentReport.historyLine(a.metrics().history()));
        assertThat(AssessmentReport.toText(a)).contains(line);
        String older = "{\"score\": 10, \"level\": \"LOW\", \"head\": \"abc\", \"metrics\": {\"linesAdded\": 1}}";
        assertThat(Assessment.read(older, "x").historyLine()).as("an assessment from before history was measured").isNull();
    }

    @Test
    void theJsonIsReadBackIntoTheTypedAssessmentOnce() {
        RiskAssessment a = migrationChange();
        Assessment read = Assessment.read(AssessmentReport.toJson(a, "why this model"), "the assessment");
        assertThat(read.score()).isEqualTo(a.score());
        assertThat(read.level()).isEqualTo(a.level());
        assertThat(read.model()).isEqualTo(a.model());
        assertThat(read.modelNote()).isEqualTo("why this model");
        assertThat(read.head()).isEqualTo(a.change().head());
        assertThat(read.baseline()).isEqualTo(a.change().baseline());
        assertThat(read.factors()).isEqualTo(a.factors());
        assertThat(read.findings()).extracting(Assessment.Finding::kind).containsExactlyElementsOf(
                a.findings().stream().map(f -> f.kind().name()).toList());
        assertThat(read.findings()).extracting(Assessment.Finding::path).containsExactlyElementsOf(
                a.findings().stream().map(io.riskgate.risk.ReversibilityFinding::path).toList());
        assertThat(read.metrics().linesAdded()).isEqualTo(a.metrics().linesAdded());
        assertThat(read.metrics().files()).isEqualTo(a.metrics().files());
        assertThat(read.metrics().developers()).isEqualTo(a.metrics().history().developers());
        assertThat(read.hasMetrics()).isTrue();
        assertThat(read.authors()).containsExactlyElementsOf(a.change().authors());
        assertThat(read.firstCommitTime()).isEqualTo(a.change().firstCommitTime().orElse(null));
        assertThat(read.candidate().score()).isEqualTo(a.score());
        assertThat(read.candidate().authors()).containsExactlyElementsOf(a.change().authors());
    }

    @Test
    void theMetricsAreNamedOnceForAssessmentsAndRecords() {
        Map<String, Object> written = AssessmentReport.toMap(migrationChange());
        @SuppressWarnings("unchecked")
        Map<String, Object> metrics = (Map<String, Object>) written.get("metrics");
        assertThat(metrics.keySet()).containsAll(io.riskgate.records.ChangeRecord.Metrics.NAMES);
        io.riskgate.records.ChangeRecord.Metrics m = io.riskgate.records.ChangeRecord.Metrics.of(metrics);
        assertThat(m.toMap().keySet()).containsExactlyElementsOf(io.riskgate.records.ChangeRecord.Metrics.NAMES);
        assertThat(io.riskgate.records.ChangeRecord.Metrics.of(m.toMap())).isEqualTo(m);
        assertThat(m.toMap()).allSatisfy((name, value) -> assertThat(value).as(name).isEqualTo(metrics.get(name)));
    }

    @Test
    void whatIsNotAnAssessmentGetsOneLineNamingTheInput() {
        assertThatThrownBy(() -> Assessment.read("{", "assessment.json")).hasMessageStartingWith("assessment.json is not valid JSON")
                .hasMessageEndingWith("pass the output of 'riskgate assess --format json'");
        assertThatThrownBy(() -> Assessment.read("{\"score\": 1}", "assessment.json"))
                .hasMessage("assessment.json is not a riskgate assessment (it needs score, level and head): pass the output of 'riskgate assess --format json'");
        assertThatThrownBy(() -> Assessment.read("{\"score\": 1, \"level\": \"HUGE\", \"head\": \"a\"}", "assessment.json"))
                .hasMessage("assessment.json: unknown level 'HUGE'");
        assertThatThrownBy(() -> Assessment.read("{\"score\": 1, \"level\": \"LOW\", \"head\": \"a\", \"firstCommitTime\": \"soon\"}", "a.json"))
                .hasMessageStartingWith("a.json: firstCommitTime");
        Assessment minimal = Assessment.read("{\"score\": 1, \"level\": \"LOW\", \"head\": \"a\"}", "a.json");
        assertThat(minimal.model()).as("older assessments").isEqualTo("default");
        assertThat(minimal.hasMetrics()).isFalse();
        assertThat(minimal.factors()).isEmpty();
    }
}
