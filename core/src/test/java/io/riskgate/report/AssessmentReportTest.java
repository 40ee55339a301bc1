package io.riskgate.report;

import static org.assertj.core.api.Assertions.assertThat;

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
}
