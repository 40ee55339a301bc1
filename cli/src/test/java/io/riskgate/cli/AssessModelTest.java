package io.riskgate.cli;

import static io.riskgate.cli.RiskGateCliTest.riskgate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.RecordStores;
import io.riskgate.testing.TestRecords;
import io.riskgate.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssessModelTest {
    @TempDir
    Path tmp;
    TestRepo repo;
    String base;
    String store;
    Instant start = Instant.now().minus(Duration.ofDays(120));

    @BeforeEach
    void setUp() {
        repo = TestRepo.init(tmp.resolve("repo"));
        repo.lines("src/App.java", "// app", 20);
        base = repo.commit("base");
        repo.lines("src/Big.java", "// big", 900);
        repo.commit("a big change");
        store = tmp.resolve("store").toString();
        try (ChangeRecordStore s = RecordStores.open(store)) {
            s.saveAll(TestRecords.sized(400, "production", start, Duration.ofHours(6), 42));
        }
    }

    RiskGateCliTest.Run assess(String... extra) {
        String[] args = new String[] {"assess", "--repo", repo.dir().toString(), "--base", base, "--format", "json"};
        String[] all = new String[args.length + extra.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return riskgate(all);
    }

    @Test
    void aStoreWithEnoughOutcomesScoresWithTheLearnedModel() throws Exception {
        RiskGateCliTest.Run run = assess("--store", store);
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode json = run.json();
        // named after the day of the newest deployment it learned from
        assertThat(json.get("model").asText()).isEqualTo(io.riskgate.learning.LearnedModel.nameFor(start.plus(Duration.ofHours(6 * 399))));
        assertThat(json.get("modelNote").asText()).startsWith("learned from 400 deployments since ");
        assertThat(json.get("factors").get(0).get("id").asText()).isEqualTo("learned.baseline");
        int sum = 0;
        for (JsonNode f : json.get("factors")) {
            sum += f.get("points").asInt();
        }
        assertThat(sum).isEqualTo(json.get("score").asInt());
        // 900 added lines against a history where big changes fail more often: riskier than typical
        JsonNode lines = json.get("factors").get(1);
        assertThat(lines.get("id").asText()).isEqualTo("learned.linesAdded");
        assertThat(lines.get("points").asInt()).isPositive();

        RiskGateCliTest.Run text = riskgate("assess", "--repo", repo.dir().toString(), "--base", base, "--store", store);
        assertThat(text.out()).containsPattern("\\nModel: learned-\\d{4}-\\d{2}-\\d{2} \\(learned from 400 deployments");
    }

    @Test
    void tooFewOutcomesOrModelDefaultKeepTheDefaultScoreAndSayWhy() throws Exception {
        Path policy = tmp.resolve("policy.yml");
        Files.writeString(policy, "learning:\n  minOutcomes: 1000\n  minFailures: 50\n");
        JsonNode few = assess("--store", store, "--policy", policy.toString()).json();
        assertThat(few.get("model").asText()).isEqualTo("default");
        assertThat(few.get("modelNote").asText()).contains("holds 400 deployments", "needs 1,000, with at least 50 failed");
        assertThat(few.get("factors").get(0).get("id").asText()).isEqualTo("size.lines");

        JsonNode off = assess("--store", store, "--model", "default").json();
        assertThat(off.get("model").asText()).isEqualTo("default");
        assertThat(off.has("modelNote")).isFalse();
    }

    @Test
    void aSavedModelScoresWhenItUsesOnlyMeasuredInputs() throws Exception {
        Path history = tmp.resolve("history.csv");
        StringBuilder csv = new StringBuilder("when,failed,la,ld,nf,experience\n");
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 400; i++) {
            int la = random.nextInt(2000);
            boolean failed = random.nextDouble() < 1 / (1 + Math.exp(-(-3 + 0.6 * Math.log1p(la))));
            csv.append(1_600_000_000L + i * 3600L).append(',').append(failed).append(',').append(la).append(',')
                    .append(la / 3).append(',').append(1 + la / 100).append(',').append(random.nextInt(50)).append('\n');
        }
        Files.writeString(history, csv);
        Path sized = tmp.resolve("sized.json");
        RiskGateCliTest.Run saved = riskgate("backtest", "--history", history.toString(), "--outcome", "failed", "--time", "when",
                "--map", "linesAdded=la", "--map", "linesDeleted=ld", "--map", "files=nf", "--save-model", sized.toString());
        assertThat(saved.exit()).as(saved.err()).isZero();
        JsonNode json = assess("--model", sized.toString()).json();
        assertThat(json.get("model").asText()).isEqualTo(io.riskgate.learning.LearnedModel.nameFor(Instant.ofEpochSecond(1_600_000_000L + 239 * 3600L)));
        assertThat(json.get("modelNote").asText()).startsWith("read from " + sized + ": learned from 240 changes");

        Path withHistory = tmp.resolve("with-history.json");
        assertThat(riskgate("backtest", "--history", history.toString(), "--outcome", "failed", "--time", "when", "--map", "linesAdded=la",
                "--feature", "experience", "--save-model", withHistory.toString()).exit()).isZero();
        RiskGateCliTest.Run refused = assess("--model", withHistory.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("uses 'experience', which an assessment does not measure");

        RiskGateCliTest.Run missing = assess("--model", tmp.resolve("nope.json").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist: use auto, default, or a file written by 'riskgate backtest --save-model'");
    }
    @Test
    void recordTakesTheScoreModelAndMetricsOfAnAssessmentSoLaterModelsCanLearnFromIt() throws Exception {
        Path risk = tmp.resolve("risk.json");
        RiskGateCliTest.Run assessed = assess("--store", store);
        Files.writeString(risk, assessed.out());
        JsonNode json = assessed.json();
        String fresh = tmp.resolve("fresh").toString();
        RiskGateCliTest.Run recorded = riskgate("record", "--store", fresh, "--assessment", risk.toString(), "--pipeline", "shop",
                "--environment", "production", "--started", "2026-11-24T10:00:00Z", "--finished", "2026-11-24T10:05:00Z",
                "--outcome", "FAILED");
        assertThat(recorded.exit()).as(recorded.err()).isZero();
        try (ChangeRecordStore s = RecordStores.open(fresh)) {
            io.riskgate.records.ChangeRecord r = s.page(io.riskgate.records.RecordQuery.ALL, 0, 1).get(0);
            assertThat(r.commit()).isEqualTo(repo.head());
            assertThat(r.riskScore()).isEqualTo(json.get("score").asInt());
            assertThat(r.riskLevel()).isEqualTo(json.get("level").asText());
            assertThat(r.riskModel()).isEqualTo(json.get("model").asText()).startsWith("learned-");
            assertThat(r.metrics().linesAdded()).isEqualTo(900);
            assertThat(r.metrics().files()).isEqualTo(1);
            assertThat(r.metrics().entropy()).isEqualTo(0.0);
        }
        Files.writeString(risk, "{\"nothing\": 1}");
        RiskGateCliTest.Run bad = riskgate("record", "--store", fresh, "--assessment", risk.toString(), "--pipeline", "shop",
                "--environment", "production", "--started", "2026-11-24T10:00:00Z", "--finished", "2026-11-24T10:05:00Z",
                "--outcome", "FAILED");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("is not a riskgate assessment (it needs score, level and head)");
        RiskGateCliTest.Run noCommit = riskgate("record", "--store", fresh, "--pipeline", "shop", "--environment", "production",
                "--started", "2026-11-24T10:00:00Z", "--finished", "2026-11-24T10:05:00Z", "--outcome", "FAILED");
        assertThat(noCommit.exit()).isEqualTo(2);
        assertThat(noCommit.err()).contains("--commit=SHA' (or --assessment FILE)");
    }
}
