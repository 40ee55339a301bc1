package io.riskgate.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.testing.TestRepo;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnifiedDiffParserTest {
    @TempDir
    Path tmp;

    /** Records what the parser reports. */
    static final class Recorder implements DiffListener {
        final Map<String, FileDiff> files = new LinkedHashMap<>();
        final List<String> added = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();

        @Override
        public void fileStarted(FileDiff file) {
            files.put(file.path(), file);
        }

        @Override
        public void addedLine(FileDiff file, int lineNumber, String text) {
            added.add(file.path() + ":" + lineNumber + ":" + text);
        }

        @Override
        public void deletedLine(FileDiff file, int lineNumber, String text) {
            deleted.add(file.path() + ":" + lineNumber + ":" + text);
        }

        @Override
        public boolean wantsDeletedLines() {
            return true;
        }

        @Override
        public void fileFinished(FileDiff file) {
            assertThat(files).containsKey(file.path());
        }
    }

    private Recorder diff(TestRepo repo, String base) {
        Recorder recorder = new Recorder();
        GitRepository.open(repo.dir()).diff(base, repo.head(), recorder);
        return recorder;
    }

    /** The same counts as git's own numstat, for every file. */
    private void assertMatchesNumstat(TestRepo repo, String base, Recorder recorder) {
        String numstat = repo.git("-c", "core.quotepath=off", "diff", "--numstat", "-M", base, repo.head());
        int rows = 0;
        for (String row : numstat.split("\n")) {
            if (row.isBlank()) {
                continue;
            }
            rows++;
            String[] f = row.split("\t");
            String path = f[2].contains(" => ") ? f[2].substring(f[2].indexOf(" => ") + 4).replace("}", "") : f[2];
            FileDiff file = recorder.files.values().stream()
                    .filter(d -> d.path().endsWith(path) || d.path().equals(path)).findFirst().orElseThrow(() -> new AssertionError(row));
            if (f[0].equals("-")) {
                assertThat(file.binary()).as(row).isTrue();
            } else {
                assertThat(file.linesAdded()).as(row).isEqualTo(Integer.parseInt(f[0]));
                assertThat(file.linesDeleted()).as(row).isEqualTo(Integer.parseInt(f[1]));
            }
        }
        assertThat(recorder.files).hasSize(rows);
    }

    @Test
    void countsAddedAndDeletedLinesLikeNumstatWithLineNumbers() {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        repo.lines("src/a.txt", "line", 10);
        repo.write("src/gone.txt", "bye\nbye\n");
        String base = repo.commit("base");
        repo.write("src/a.txt", "line 1\nline 2\nCHANGED\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\n");
        repo.delete("src/gone.txt");
        repo.write("src/new.txt", "-- a/looks like a header\n+++ b/so does this\n");
        repo.commit("edit");

        Recorder r = diff(repo, base);

        assertMatchesNumstat(repo, base, r);
        assertThat(r.files.get("src/a.txt").status()).isEqualTo(FileStatus.MODIFIED);
        assertThat(r.files.get("src/gone.txt").status()).isEqualTo(FileStatus.DELETED);
        assertThat(r.files.get("src/new.txt").status()).isEqualTo(FileStatus.ADDED);
        assertThat(r.added).contains("src/a.txt:3:CHANGED", "src/a.txt:11:line 11",
                "src/new.txt:1:-- a/looks like a header", "src/new.txt:2:+++ b/so does this");
        assertThat(r.deleted).contains("src/a.txt:3:line 3", "src/gone.txt:1:bye");
    }

    @Test
    void aDeletedLineThatLooksLikeAHeaderStaysADeletedLine() {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        repo.write("x.sql", "-- a/x\n--- b\nkeep\n");
        String base = repo.commit("base");
        repo.write("x.sql", "keep\n");
        repo.commit("edit");
        Recorder r = diff(repo, base);
        assertThat(r.files).containsOnlyKeys("x.sql");
        assertThat(r.files.get("x.sql").linesDeleted()).isEqualTo(2);
        assertThat(r.deleted).containsExactly("x.sql:1:-- a/x", "x.sql:2:--- b");
    }

    @Test
    void pureRenamesChangeNoLineAndEditedRenamesCountTheirEdits() {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        repo.lines("old/kept.txt", "k", 30);
        repo.lines("old/edited.txt", "e", 30);
        String base = repo.commit("base");
        repo.move("old/kept.txt", "new/kept.txt");
        repo.move("old/edited.txt", "new/edited.txt");
        repo.lines("new/edited.txt", "e", 31);
        repo.commit("move");

        Recorder r = diff(repo, base);

        FileDiff kept = r.files.get("new/kept.txt");
        assertThat(kept.status()).isEqualTo(FileStatus.RENAMED);
        assertThat(kept.oldPath()).isEqualTo("old/kept.txt");
        assertThat(kept.similarity()).isEqualTo(100);
        assertThat(kept.pureRename()).isTrue();
        FileDiff edited = r.files.get("new/edited.txt");
        assertThat(edited.status()).isEqualTo(FileStatus.RENAMED);
        assertThat(edited.pureRename()).isFalse();
        assertThat(edited.linesAdded()).isEqualTo(1);
        assertMatchesNumstat(repo, base, r);
    }

    @Test
    void binaryFilesAreReportedWithoutLines() {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        repo.write("readme.txt", "x\n");
        String base = repo.commit("base");
        repo.writeBytes("img/logo.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1, 2, 3, 0, (byte) 0xff});
        repo.write("empty.txt", "");
        repo.commit("binary");

        Recorder r = diff(repo, base);

        assertThat(r.files.get("img/logo.png").binary()).isTrue();
        assertThat(r.files.get("img/logo.png").status()).isEqualTo(FileStatus.ADDED);
        assertThat(r.files.get("empty.txt").status()).isEqualTo(FileStatus.ADDED);
        assertThat(r.files.get("empty.txt").linesAdded()).isZero();
        assertMatchesNumstat(repo, base, r);
    }

    @Test
    void unusualFileNamesSurviveQuoting() {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        repo.write("keep.txt", "x\n");
        String base = repo.commit("base");
        repo.write("dir with space/file name.txt", "a\n");
        repo.write("unicod\u00e9/caf\u00e9.txt", "b\n");
        repo.write("quo\"te.txt", "c\n");
        repo.write("tab\there.txt", "d\n");
        repo.writeBytes("space bin.dat", new byte[] {0, 1, 2, 0});
        repo.commit("names");

        Recorder r = diff(repo, base);

        assertThat(r.files).containsOnlyKeys("dir with space/file name.txt", "unicod\u00e9/caf\u00e9.txt",
                "quo\"te.txt", "tab\there.txt", "space bin.dat");
        assertThat(r.added).contains("dir with space/file name.txt:1:a", "tab\there.txt:1:d");
        assertThat(r.files.get("space bin.dat").binary()).isTrue();
    }

    @Test
    void unquoteDecodesGitEscapes() {
        assertThat(UnifiedDiffParser.unquote("\"a/caf\\303\\251\\t\\\"x\\\\\"")).isEqualTo("a/caf\u00e9\t\"x\\");
        assertThat(UnifiedDiffParser.unquote("plain")).isEqualTo("plain");
    }

    @Test
    void parsesContextDiffsToo() throws Exception {
        String diff = String.join("\n",
                "diff --git a/f.txt b/f.txt",
                "index 1..2 100644",
                "--- a/f.txt",
                "+++ b/f.txt",
                "@@ -1,3 +1,3 @@",
                " same",
                "-old",
                "+new",
                "",
                "\\ No newline at end of file",
                "");
        Recorder r = new Recorder();
        new UnifiedDiffParser(r).parse(new BufferedReader(new StringReader(diff)));
        assertThat(r.added).containsExactly("f.txt:2:new");
        assertThat(r.deleted).containsExactly("f.txt:2:old");
    }
}
