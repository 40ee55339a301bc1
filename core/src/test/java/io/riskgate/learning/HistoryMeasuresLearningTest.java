package io.riskgate.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.policy.LearningPolicy;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.RecordQuery;
import io.riskgate.records.RecordStores;
import io.riskgate.testing.TestRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history measures as inputs of the learned model: from CSV columns by their names, and from change records. */
class HistoryMeasuresLearningTest {
    @TempDir
    Path tmp;

    @Test
    void apacheJitNamesStandForTheMeasuresAndAPartlyEmptyHistoryColumnIsLeftOut() throws IOException {
        Path file = tmp.resolve("h.csv");
        Files.writeString(file, String.join("\n", "t,bug,la,ndev,nuc,aexp,fix,age,sexp",
                "1,0,10,2,3,5,True,1.5,1", "2,1,5,1,,7,false,2,0", "3,0,2,4,1,1,no,0,2") + "\n");
        History h = History.read(file, new HistoryColumns("bug", "t", Map.of(), List.of("sexp")), null);
        assertThat(h.metricColumns()).containsEntry("linesAdded", "la").containsEntry("developers", "ndev")
                .containsEntry("authorExperience", "aexp").containsEntry("fix", "fix").containsEntry("age", "age")
                .doesNotContainKeys("priorChanges", "subsystemExperience");
        assertThat(h.features()).containsExactly("sexp");
        assertThat(h.notes()).containsExactly(
                "priorChanges (nuc) is empty in more than 5% of the rows (changes recorded before the history measures): left out of the learned model");
        int fix = HistoryColumns.METRICS.indexOf("fix");
        assertThat(new double[] {h.metric(fix, 0), h.metric(fix, 1), h.metric(fix, 2)}).containsExactly(1, 0, 0);
        assertThat(h.metric(HistoryColumns.METRICS.indexOf("age"), 0)).isEqualTo(1.5);
        // a column mapped to one measure is not also found by name for another
        History mapped = History.read(file, new HistoryColumns("bug", "t", Map.of("developers", "aexp"), List.of()), null);
        assertThat(mapped.metricColumns()).containsEntry("developers", "aexp").doesNotContainKey("authorExperience");
        assertThat(mapped.metricColumns()).containsEntry("subsystemExperience", "sexp");
    }

    @Test
    void theMissingValueMarkersOfDataToolsAreEmptyCells() throws IOException {
        String[] rows = {"t,bug,la,ld,ndev,nuc,age", "1,0,10,NA,2,3,1.5", "2,1,NaN,4,nan,7,2", "3,0,2,1,4,null,N/A", "4,1,3,None,1,2,0",
                "5,0, na ,2,3,4,1"};
        Path file = tmp.resolve("na.csv");
        Files.writeString(file, String.join("\n", rows) + "\n");
        Path empty = tmp.resolve("empty.csv");
        Files.writeString(empty, String.join("\n", rows).replaceAll("(?i)\\b(NA|NaN|null|None)\\b|N/A| na ", "") + "\n");
        assertThat(Files.readString(empty)).contains("2,1,,4,,7,2").doesNotContain("NA");
        HistoryColumns columns = new HistoryColumns("bug", "t", Map.of(), List.of());
        History h = History.read(file, columns, null);
        History e = History.read(empty, columns, null);
        // read as the same cells left empty: the size measures' defaults, the history measures left out with a note
        assertThat(h.metricColumns()).isEqualTo(e.metricColumns()).containsKeys("linesAdded", "linesDeleted")
                .doesNotContainKeys("developers", "priorChanges", "age");
        assertThat(h.notes()).isEqualTo(e.notes()).hasSize(3);
        for (int m = 0; m < HistoryColumns.METRICS.size(); m++) {
            for (int r = 0; r < h.size(); r++) {
                assertThat(Double.valueOf(h.metric(m, r))).as("%s row %d", HistoryColumns.METRICS.get(m), r).isEqualTo(Double.valueOf(e.metric(m, r)));
            }
        }
        assertThat(h.metric(HistoryColumns.METRICS.indexOf("linesAdded"), 0)).isEqualTo(10);
        // anything else is still bad input
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "t,bug,la\n1,0,lots\n2,1,3\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> History.read(bad, new HistoryColumns("bug", "t", Map.of(), List.of()), null))
                .hasMessageContaining("column 'la': 'lots' is not a number");
    }

    @Test
    void commitGuruAndKameiLayoutsNeedOnlyTheirOutcomeAndTimeColumns() throws IOException {
        Path file = tmp.resolve("guru.csv");
        Files.writeString(file, String.join("\n", "commit_hash,contains_bug,author_date_unix_timestamp,fix,ns,nd,nf,entrophy,la,ld,lt,ndev,age,nuc,exp,rexp,sexp",
                "a,True,1400000000,False,1,1,1,0,10,2,100,1,3,1,40,30,10",
                "b,False,1400086400,True,1,2,3,1.2,50,5,300,2,1,4,41,31,11") + "\n");
        History h = History.read(file, new HistoryColumns("contains_bug", "author_date_unix_timestamp", Map.of(), List.of()), null);
        assertThat(h.size()).isEqualTo(2);
        assertThat(h.failed(0)).isTrue();
        assertThat(h.time(1)).isEqualTo(1_400_086_400_000L);
        assertThat(h.metricColumns()).containsEntry("entropy", "entrophy").containsEntry("authorExperience", "exp")
                .containsEntry("recentExperience", "rexp").containsEntry("subsystemExperience", "sexp").hasSize(13);
        Path kamei = tmp.resolve("kamei.csv");
        Files.writeString(kamei, "bug,commitdate,la\n1,2002/10/16 15:38,3\n0,2002/10/17,4\n");
        History k = History.read(kamei, new HistoryColumns("bug", "commitdate", Map.of(), List.of()), null);
        assertThat(k.time(0)).isEqualTo(Instant.parse("2002-10-16T15:38:00Z").toEpochMilli());
        assertThat(k.time(1)).isEqualTo(Instant.parse("2002-10-17T00:00:00Z").toEpochMilli());
    }

    @Test
    void recordsWithHistoryMeasuresTeachThemAndOlderRecordsLeaveThemOut() {
        Instant start = Instant.parse("2026-06-01T00:00:00Z");
        Clock clock = Clock.fixed(Instant.parse("2026-11-01T00:00:00Z"), ZoneOffset.UTC);
        try (ChangeRecordStore store = RecordStores.open(tmp.resolve("store").toString())) {
            List<ChangeRecord> measured = new ArrayList<>();
            List<ChangeRecord> sized = TestRecords.sized(400, "production", start, Duration.ofHours(6), 5);
            for (int i = 0; i < sized.size(); i++) {
                ChangeRecord r = sized.get(i);
                ChangeRecord.Metrics m = r.metrics();
                measured.add(with(r, new ChangeRecord.Metrics(m.linesAdded(), m.linesDeleted(), m.files(), m.directories(),
                        m.subsystems(), m.entropy(), m.commits(), m.authors(), 1 + i % 4, 3.0 + i % 40, 2 + i % 9, (double) (i % 60),
                        0.7 * (i % 60), (double) (i % 25), i % 3 == 0)));
            }
            store.saveAll(measured);
            History h = History.fromRecords(store, RecordQuery.ALL, "store");
            assertThat(h.metricColumns()).hasSize(15).containsKeys("developers", "age", "priorChanges", "authorExperience",
                    "recentExperience", "subsystemExperience", "fix");
            assertThat(h.notes()).isEmpty();
            StoreModels.Choice choice = new StoreModels(clock, Duration.ZERO).choose(store, LearningPolicy.defaults());
            assertThat(choice.model().features()).extracting(LearnedModel.Feature::name).contains("developers", "fix");
            assertThat(choice.model().features().stream().filter(f -> f.name().equals("fix")).findFirst().orElseThrow().transform())
                    .isEqualTo(LearnedModel.Transform.NONE);

            ChangeRecord older = with(sized.get(0), new ChangeRecord.Metrics(10, 1, 1, 1, 1, 0.0, 1, 1));
            store.save(new ChangeRecord(null, "older", older.environment(), older.commit(), older.commitTime(), older.startedAt(),
                    older.finishedAt(), older.outcome(), null, null, null, null, null, null, null, null, null, null, null, null,
                    older.metrics()));
            History mixed = History.fromRecords(store, RecordQuery.ALL, "store");
            assertThat(mixed.metricColumns()).hasSize(8).doesNotContainKey("developers");
            assertThat(mixed.notes()).containsExactly(
                    "some deployments were recorded before the history measures: the learned model uses the size and spread only");
            StoreModels.Choice sizeOnly = new StoreModels(clock, Duration.ZERO).choose(store, LearningPolicy.defaults());
            assertThat(sizeOnly.model().features()).extracting(LearnedModel.Feature::name).doesNotContain("developers", "fix");
            assertThat(sizeOnly.reason()).contains("recorded before the history measures");
        }
    }

    private static ChangeRecord with(ChangeRecord r, ChangeRecord.Metrics m) {
        return new ChangeRecord(r.id(), r.pipeline(), r.environment(), r.commit(), r.commitTime(), r.startedAt(), r.finishedAt(),
                r.outcome(), r.riskScore(), r.riskLevel(), r.riskModel(), r.startedBy(), r.buildUrl(), r.runbookUrl(), r.pirUrl(),
                r.rollbackCommand(), r.rollbackExercisedAt(), r.testsTotal(), r.testsFailed(), r.approvals(), m);
    }
}
