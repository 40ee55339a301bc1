package io.riskgate.cli;

import static io.riskgate.cli.RiskGateCliTest.riskgate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.riskgate.testing.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history measures from a history CSV in ApacheJIT's column names to the model that scores a live assessment. */
class HistoryMeasuresCliTest {
    @TempDir
    Path tmp;

    Path jit;

    /**
     * 1,500 commits a day apart in ApacheJIT's layout; failures depend on lines added, whether the commit
     * is a fix, and the author's experience (less experience, more failures).
     */
    @BeforeEach
    void history() throws IOException {
        Random random = new Random(11);
        StringBuilder csv = new StringBuilder("commit_id,project,buggy,fix,year,author_date,la,ld,nf,nd,ns,ent,ndev,age,nuc,aexp,arexp,asexp\n");
        for (int i = 0; i < 1500; i++) {
            long la = Math.round(Math.exp(3 + 1.5 * random.nextGaussian()));
            long nf = 1 + la / 40;
            boolean fix = random.nextDouble() < 0.3;
            long aexp = Math.round(Math.exp(4 * random.nextDouble()));
            double z = -3.5 + 0.5 * Math.log1p(la) + 1.2 * (fix ? 1 : 0) - 0.4 * Math.log1p(aexp);
            boolean buggy = random.nextDouble() < 1 / (1 + Math.exp(-z));
            csv.append("c").append(i).append(",apache/x,").append(buggy ? "True" : "False").append(',').append(fix ? "True" : "False")
                    .append(",2018,").append(1_500_000_000L + i * 86_400L).append(',').append(la).append(',').append(la / 4).append(',')
                    .append(nf).append(',').append(Math.min(nf, 3)).append(",1,").append(nf > 1 ? "1.5" : "0").append(',')
                    .append(1 + random.nextInt(5)).append(',').append(random.nextInt(300)).append(',').append(random.nextInt(40)).append(',')
                    .append(aexp).append(',').append(aexp * 0.7).append(',').append(aexp / 2).append('\n');
        }
        jit = tmp.resolve("jit.csv");
        Files.writeString(jit, csv);
    }

    @Test
    void apacheJitColumnsAreReadAsTheMetricsTheyStandFor() throws Exception {
        RiskGateCliTest.Run run = riskgate("backtest", "--history", jit.toString(), "--outcome", "buggy", "--time", "author_date", "--format", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode json = run.json();
        JsonNode metrics = json.get("metrics");
        assertThat(metrics.get("linesAdded").asText()).isEqualTo("la");
        assertThat(metrics.get("developers").asText()).isEqualTo("ndev");
        assertThat(metrics.get("age").asText()).isEqualTo("age");
        assertThat(metrics.get("priorChanges").asText()).isEqualTo("nuc");
        assertThat(metrics.get("authorExperience").asText()).isEqualTo("aexp");
        assertThat(metrics.get("recentExperience").asText()).isEqualTo("arexp");
        assertThat(metrics.get("subsystemExperience").asText()).isEqualTo("asexp");
        assertThat(metrics.get("fix").asText()).isEqualTo("fix");
        assertThat(metrics.size()).isEqualTo(13);
        // the baseline is reported beside the learned model, which knows fix and experience matter
        assertThat(json.get("baseline").get("model").asText()).isEqualTo("plain-logistic");
        assertThat(json.get("baseline").get("auc").asDouble()).isBetween(0.5, 1.0);
        assertThat(json.get("learned").get("auc").asDouble()).isGreaterThan(json.get("default").get("auc").asDouble() + 0.03);
        assertThat(json.get("validation").get("tried").size()).isEqualTo(6);   // five penalties of the averaged model, the plain form
        assertThat(json.get("validation").get("folds").asInt()).isEqualTo(2);
        JsonNode fix = null;
        for (JsonNode f : json.get("learned").get("definition").get("features")) {
            if (f.get("name").asText().equals("fix")) {
                fix = f;
            }
        }
        assertThat(fix).isNotNull();
        assertThat(fix.get("transform").asText()).isEqualTo("none");
        assertThat(fix.get("meaning").asText()).startsWith("fix: a defect fix multiplies the odds of failure by").endsWith("(riskier)");

        RiskGateCliTest.Run text = riskgate("backtest", "--history", jit.toString(), "--outcome", "buggy", "--time", "author_date");
        assertThat(text.out()).contains("plain-logistic", "settings chosen by validation inside the training part (2 folds)");
    }

    @Test
    void aModelLearnedWithHistoryMeasuresScoresALiveAssessmentInPlainWords() throws Exception {
        Path model = tmp.resolve("model.json");
        assertThat(riskgate("backtest", "--history", jit.toString(), "--outcome", "buggy", "--time", "author_date",
                "--save-model", model.toString()).exit()).isZero();
        TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        repo.lines("app/Service.java", "service", 30);
        repo.commitAs("Bob", "bob@example.com", "service");
        repo.lines("app/Service.java", "service v2", 30);
        String base = repo.commitAs("Carol", "carol@example.com", "retry");
        repo.lines("app/Service.java", "service v3", 40);
        repo.commitAs("Erin", "erin@example.com", "Fix the retry loop");

        RiskGateCliTest.Run run = riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--model", model.toString(), "--format", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("metrics").get("fix").asBoolean()).isTrue();
        assertThat(json.get("metrics").get("developers").asInt()).isEqualTo(2);
        int sum = 0;
        String fixExplanation = null;
        String experience = null;
        for (JsonNode f : json.get("factors")) {
            sum += f.get("points").asInt();
            if (f.get("id").asText().equals("learned.fix")) {
                fixExplanation = f.get("explanation").asText();
                assertThat(f.get("points").asInt()).isPositive();
            }
            if (f.get("id").asText().equals("learned.authorExperience")) {
                experience = f.get("explanation").asText();
            }
        }
        assertThat(sum).isEqualTo(json.get("score").asInt());
        assertThat(fixExplanation).startsWith("a defect fix (a commit subject or the branch name says so): riskier than typical");
        assertThat(experience).startsWith("the author has made no earlier change to this repository");

        RiskGateCliTest.Run text = riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--model", model.toString());
        assertThat(text.out()).contains("History: 2 earlier changes to these files by 2 developers", "a defect fix");
    }

    @Test
    void aShallowCloneIsAssessedWithWhatItHasAndTheRecordCarriesTheMeasures() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("origin"));
        repo.lines("app/A.java", "a", 10);
        repo.commitAs("Bob", "bob@example.com", "one");
        repo.lines("app/A.java", "a v2", 10);
        repo.commitAs("Carol", "carol@example.com", "two");
        repo.lines("app/A.java", "a v3", 10);
        repo.commitAs("Erin", "erin@example.com", "three");
        Path clone = tmp.resolve("clone");
        TestRepo.runGit(tmp, java.util.Map.of(), "clone", "-q", "--depth", "2", "file://" + repo.dir().toAbsolutePath(), clone.toString());

        RiskGateCliTest.Run text = riskgate("assess", "--repo", clone.toString(), "--base", "HEAD~1", "--model", "default");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("History: 1 earlier change to these files by 1 developer", "History note: shallow clone");

        RiskGateCliTest.Run json = riskgate("assess", "--repo", clone.toString(), "--base", "HEAD~1", "--model", "default", "--format", "json");
        assertThat(json.exit()).isZero();
        assertThat(json.json().get("history").get("shallow").asBoolean()).isTrue();
        assertThat(json.json().get("historyNote").asText()).contains("git fetch --unshallow");
        Path assessment = tmp.resolve("risk.json");
        Files.writeString(assessment, json.out());
        String store = tmp.resolve("store").toString();
        RiskGateCliTest.Run record = riskgate("record", "--assessment", assessment.toString(), "--pipeline", "shop", "--environment", "production",
                "--started", "2026-11-02T10:00:00Z", "--finished", "2026-11-02T10:05:00Z", "--outcome", "SUCCEEDED", "--store", store);
        assertThat(record.exit()).as(record.err()).isZero();
        String csv = riskgate("export", "--store", store).out();
        assertThat(csv.lines().findFirst().orElseThrow()).endsWith("developers,age,priorChanges,authorExperience,recentExperience,subsystemExperience,fix,incidents,"
                + "verificationOutcome,verificationSeconds");
        assertThat(csv.lines().skip(1).findFirst().orElseThrow()).contains(",1,0.04,1,0.0,0.0,0.0,false,\"\"");
    }
}
