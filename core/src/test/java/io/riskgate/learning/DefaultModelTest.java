package io.riskgate.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultModelTest {
    @TempDir
    Path tmp;

    @Test
    void theDefaultScoreIsTheScorersSizeScore() throws IOException {
        // the README's example change: +128 -11 lines, 4 files, 3 directories, 3 subsystems, entropy 0.61, 2 commits by 2 authors:
        // size factors 13 + 3 + 2 + 3 + 3 + 1 + 3 = 28 (its reversibility findings are not in a history)
        Path file = tmp.resolve("h.csv");
        Files.writeString(file, "finishedAt,outcome,linesAdded,linesDeleted,files,directories,subsystems,entropy,commits,authors\n"
                + "2026-01-01T00:00:00Z,FAILED,128,11,4,3,3,0.61,2,2\n"
                + "2026-01-02T00:00:00Z,SUCCEEDED,1,0,1,1,1,0,1,1\n"
                + "2026-01-03T00:00:00Z,SUCCEEDED,0,0,0,0,0,0,0,0\n");
        History h = History.read(file, HistoryColumns.defaults(), null);
        DefaultModel model = new DefaultModel("h.csv");
        assertThat(model.score(h, 0)).isEqualTo(28);
        assertThat(model.score(h, 1)).isZero();
        assertThat(model.score(h, 2)).isZero();
    }

    @Test
    void missingMetricsCountAsAChangeWithoutThem() throws IOException {
        // only lines: files, directories, subsystems, commits and authors count 1 each, which gives no points
        Path file = tmp.resolve("h.csv");
        Files.writeString(file, "t,bug,la\n1,1,128\n2,0,200000\n");
        History h = History.read(file, new HistoryColumns("bug", "t", Map.of("linesAdded", "la"), List.of()), null);
        DefaultModel model = new DefaultModel("h.csv");
        assertThat(model.score(h, 0)).isEqualTo(13);
        assertThat(model.score(h, 1)).isEqualTo(30); // docs/scoring.md: 200,000 lines to one file score 30
    }

    @Test
    void withoutMetricsTheRiskScoreColumnIsTheDefaultScore() throws IOException {
        Path file = tmp.resolve("h.csv");
        Files.writeString(file, "finishedAt,outcome,riskScore\n2026-01-01T00:00:00Z,FAILED,68\n");
        History h = History.read(file, HistoryColumns.defaults(), null);
        assertThat(new DefaultModel("h.csv").score(h, 0)).isEqualTo(68);
    }
}
