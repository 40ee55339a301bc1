package io.riskgate.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riskgate.testing.TestRepo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history measures of real repositories against values computed by hand. TestRepo commits one
 * hour apart, starting at 1,700,000,000 + 3,600 s: commit k is at T0 + 3,600 k.
 */
class ChangeHistoryTest {
    private static final long T0 = 1_700_000_000L;
    private static final double DAY = 86_400.0;

    @TempDir
    Path tmp;

    TestRepo repo;
    String base;

    /** Six commits: a file changed by three authors, a rename, an author who never touched app/ or lib/. */
    @BeforeEach
    void history() {
        repo = TestRepo.init(tmp.resolve("r"));
        repo.lines("app/Service.java", "service", 20).lines("app/Util.java", "util", 5).write("README.md", "hello\n");
        repo.commitAs("Alice", "alice@example.com", "initial");                         // c1, T0 + 1h
        repo.lines("app/Service.java", "service v2", 20);
        repo.commitAs("Bob", "bob@example.com", "add retry");                          // c2, T0 + 2h
        repo.lines("app/Service.java", "service v3", 20).lines("lib/Old.java", "old", 10);
        repo.commitAs("Carol", "carol@example.com", "tune");                           // c3, T0 + 3h
        repo.move("lib/Old.java", "lib/New.java");
        repo.commitAs("Dave", "dave@example.com", "move Old to New");                  // c4, T0 + 4h (R100)
        repo.write("docs/guide.md", "guide\n");
        repo.commitAs("Alice", "Alice@Example.com", "docs");                           // c5, T0 + 5h
        repo.write("web/page.html", "<p>\n");
        base = repo.commitAs("Erin", "erin@example.com", "web page");                  // c6, T0 + 6h
    }

    private static long t(int commit) {
        return T0 + 3600L * commit;
    }

    private HistoryMeasures measure(String baseRef, String headRef, HistoryRules rules) {
        GitRepository git = GitRepository.open(repo.dir());
        return git.history(git.change(baseRef, headRef), rules);
    }

    @Test
    void aFixByAnAuthorNewToTheSubsystemsOfFilesWithARename() {
        repo.lines("app/Service.java", "service v4", 20).lines("lib/New.java", "new", 10);
        repo.commitAs("Erin", "erin@example.com", "Fix null check in Service");       // c7, the change

        HistoryMeasures h = measure(base, "HEAD", HistoryRules.defaults());

        long ref = t(7);
        // Service.java: c1 (Alice), c2 (Bob), c3 (Carol), last at c3; New.java: c4 (Dave, the rename) and c3 as lib/Old.java
        assertThat(h.developers()).isEqualTo(4);
        assertThat(h.priorChanges()).isEqualTo(4);
        assertThat(h.age()).isCloseTo(((ref - t(3)) / DAY + (ref - t(4)) / DAY) / 2, within(1e-9));
        assertThat(h.age()).isCloseTo(0.1458333, within(1e-6));
        // Erin's one earlier commit (c6, an hour before) touched web/ only
        assertThat(h.authorExperience()).isEqualTo(1.0);
        assertThat(h.recentExperience()).isCloseTo(1 / (1 + (ref - t(6)) / DAY / 365), within(1e-12));
        assertThat(h.subsystemExperience()).isEqualTo(0.0);
        assertThat(h.fix()).isTrue();
        assertThat(h.commitsRead()).isEqualTo(6);
        assertThat(h.since()).isEqualTo(Instant.ofEpochSecond(t(1)));
        assertThat(h.shallow()).isFalse();
        assertThat(h.note()).isNull();
    }

    @Test
    void aFileChangedByThreeAuthorsAndAnExperiencedAuthorsFeature() {
        repo.checkout("-b", "feature/cache", base);
        repo.lines("app/Service.java", "cached", 20);
        repo.commitAs("Alice", "alice@example.com", "Add caching");                    // c7

        HistoryMeasures h = measure(base, "feature/cache", HistoryRules.defaults());

        long ref = t(7);
        assertThat(h.developers()).isEqualTo(3);                     // Alice, Bob, Carol
        assertThat(h.priorChanges()).isEqualTo(3);                   // c1, c2, c3
        assertThat(h.age()).isCloseTo((ref - t(3)) / DAY, within(1e-9));
        // Alice (e-mail compared without case): c1 (app/) and c5 (docs/)
        assertThat(h.authorExperience()).isEqualTo(2.0);
        assertThat(h.recentExperience()).isCloseTo(1 / (1 + (ref - t(1)) / DAY / 365) + 1 / (1 + (ref - t(5)) / DAY / 365), within(1e-12));
        assertThat(h.subsystemExperience()).isEqualTo(1.0);
        assertThat(h.fix()).isFalse();
    }

    @Test
    void theBranchNameMakesAChangeAFix() {
        repo.checkout("-b", "hotfix/PROJ-12", base);
        repo.write("app/Util.java", "util\n");
        repo.commitAs("Bob", "bob@example.com", "Lower the timeout");

        assertThat(measure(base, "hotfix/PROJ-12", HistoryRules.defaults()).fix()).isTrue();
        assertThat(measure(base, repo.head(), HistoryRules.defaults()).fix()).as("a commit id names no branch").isFalse();
        assertThat(measure(base, repo.head(), new HistoryRules(365, 20_000, List.of("timeout"))).fix()).isTrue();
        assertThat(measure(base, "hotfix/PROJ-12", new HistoryRules(365, 20_000, List.of("^PROJ-\\d+"))).fix())
                .as("a pattern for issue keys of bugs").isFalse();
    }

    @Test
    void wordsThatOnlyContainFixOrBugAreNotFixes() {
        repo.write("app/Util.java", "util\n");
        repo.commitAs("Bob", "bob@example.com", "Add debug logging and a test fixture; prefix names");

        assertThat(measure(base, "HEAD", HistoryRules.defaults()).fix()).isFalse();
    }

    @Test
    void aFileTheChangeRenamesIsFollowedUnderItsOldPath() {
        repo.move("app/Util.java", "app/Helpers.java");
        repo.write("app/Helpers.java", "util 1\nutil 2\nutil 3\nutil 4\nutil 5\nmore\n");
        repo.commitAs("Bob", "bob@example.com", "Rename Util to Helpers");            // c7

        HistoryMeasures h = measure(base, "HEAD", HistoryRules.defaults());

        assertThat(h.developers()).isEqualTo(1);                     // Alice, c1
        assertThat(h.priorChanges()).isEqualTo(1);
        assertThat(h.age()).as("only the old path has an earlier change").isCloseTo((t(7) - t(1)) / DAY, within(1e-9));
        assertThat(h.authorExperience()).isEqualTo(1.0);             // Bob: c2, in app/
        assertThat(h.subsystemExperience()).isEqualTo(1.0);
    }

    @Test
    void pathsWithNonAsciiLettersAndSpacesAreTheSameFilesInTheHistory() {
        repo.write("docs/Über uns.md", "wir\n");
        repo.commitAs("Frank", "Frank@Example.com", "about page");                       // c7
        repo.write("docs/Über uns.md", "wir sind\n");
        repo.commitAs("Alice", "alice@example.com", "about page, more");                  // c8, the change

        HistoryMeasures h = measure("HEAD~1", "HEAD", HistoryRules.defaults());

        assertThat(h.developers()).as("Frank, by the file's non-ASCII path").isEqualTo(1);
        assertThat(h.priorChanges()).isEqualTo(1);
        assertThat(h.age()).isCloseTo((t(8) - t(7)) / DAY, within(1e-9));
        assertThat(h.authorExperience()).isEqualTo(2.0);                                  // Alice: c1, c5
        assertThat(h.subsystemExperience()).as("c5 added docs/guide.md").isEqualTo(1.0);
    }

    @Test
    void theLookBackStopsAtItsCommitLimitAndSaysSo() {
        repo.lines("app/Service.java", "service v4", 20);
        repo.commitAs("Erin", "erin@example.com", "tweak");

        HistoryMeasures h = measure(base, "HEAD", new HistoryRules(365, 2, HistoryRules.DEFAULT_FIX_PATTERNS));

        assertThat(h.commitsRead()).isEqualTo(2);                    // c6, c5
        assertThat(h.priorChanges()).isZero();
        assertThat(h.developers()).isZero();
        assertThat(h.age()).isZero();
        assertThat(h.authorExperience()).isEqualTo(1.0);
        assertThat(h.note()).contains("limit of 2 commits");
    }

    @Test
    void theLookBackStopsAtItsDays() {
        repo.lines("app/Service.java", "service v4", 20);
        repo.commitAs("Erin", "erin@example.com", "tweak");

        // one day back from c7 reaches every commit; the same history seen from a year later reaches none
        assertThat(measure(base, "HEAD", new HistoryRules(1, 100, List.of())).commitsRead()).isEqualTo(6);
        repo.checkout("-b", "late", base);
        repo.write("app/Service.java", "late\n");
        TestRepo.runGit(repo.dir(), Map.of("GIT_AUTHOR_DATE", (T0 + 400 * 86_400L) + " +0000",
                "GIT_COMMITTER_DATE", (T0 + 400 * 86_400L) + " +0000"), "commit", "-q", "-am", "late change");
        HistoryMeasures late = measure(base, "late", new HistoryRules(365, 100, List.of()));
        assertThat(late.commitsRead()).isZero();
        assertThat(late.priorChanges()).isZero();
    }

    @Test
    void aShallowCloneMeasuresWhatItHasAndSaysSo() {
        repo.lines("app/Service.java", "service v4", 20);
        repo.commitAs("Erin", "erin@example.com", "tweak");
        Path clone = tmp.resolve("shallow");
        TestRepo.runGit(tmp, Map.of(), "clone", "-q", "--depth", "2", "file://" + repo.dir().toAbsolutePath(), clone.toString());

        GitRepository git = GitRepository.open(clone);
        HistoryMeasures h = git.history(git.change("HEAD~1", "HEAD"), HistoryRules.defaults());

        assertThat(h.shallow()).isTrue();
        assertThat(h.commitsRead()).isEqualTo(1);                    // c6 only: its parents are not in the clone
        assertThat(h.authorExperience()).isEqualTo(1.0);
        assertThat(h.note()).contains("shallow clone").contains("git fetch --unshallow");
    }

    @Test
    void aChangeWithoutCommitsHasNoHistory() {
        assertThat(measure(base, base, HistoryRules.defaults())).isEqualTo(HistoryMeasures.NONE);
    }
}
