package io.riskgate.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskgate.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitRepositoryTest {
    @TempDir
    Path tmp;

    @Test
    void listsCommitsAuthorsAndMergesOfTheChange() {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        repo.write("a.txt", "one\n");
        String base = repo.commit("base");
        repo.checkout("-b", "feature");
        repo.write("b.txt", "two\n");
        repo.commitAs("Bob", "Bob@Example.com", "feature work");
        repo.checkout("main");
        repo.write("c.txt", "three\n");
        repo.commit("main work");
        repo.merge("feature", "merge feature");

        Change change = GitRepository.open(repo.dir()).change(base, "HEAD");

        assertThat(change.baseline()).isEqualTo(base);
        assertThat(change.head()).isEqualTo(repo.head());
        assertThat(change.commits()).hasSize(3);
        assertThat(change.nonMergeCommits()).hasSize(2);
        assertThat(change.authors()).containsExactlyInAnyOrder("alice@example.com", "bob@example.com");
        assertThat(change.commits().get(0).isMerge()).isTrue();
        assertThat(change.firstCommitTime()).isPresent();
    }

    @Test
    void aDirectoryThatIsNotARepositoryIsRefusedWithAFix() {
        Path plain = tmp.resolve("plain");
        assertThat(plain.toFile().mkdirs()).isTrue();
        assertThatThrownBy(() -> GitRepository.open(plain))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("is not a git repository")
                .hasMessageContaining("--repo");
    }

    @Test
    void aMissingDirectoryIsRefused() {
        assertThatThrownBy(() -> GitRepository.open(tmp.resolve("nope")))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void anUnknownBaselineIsRefusedWithAFix() {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        repo.write("a.txt", "one\n");
        repo.commit("base");
        GitRepository git = GitRepository.open(repo.dir());
        assertThatThrownBy(() -> git.change("v9.9.9", "HEAD"))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("baseline 'v9.9.9' is not a commit")
                .hasMessageContaining("git fetch");
        assertThatThrownBy(() -> git.change("--output=/tmp/x", "HEAD")).isInstanceOf(GitException.class);
    }

    @Test
    void aBaselineThatIsNotAnAncestorIsRefused() {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        repo.write("a.txt", "one\n");
        repo.commit("base");
        repo.checkout("-b", "other");
        repo.write("b.txt", "b\n");
        repo.commit("other");
        repo.checkout("main");
        repo.write("c.txt", "c\n");
        repo.commit("main");
        GitRepository git = GitRepository.open(repo.dir());
        assertThatThrownBy(() -> git.change("other", "main"))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("is not an ancestor of head")
                .hasMessageContaining("git merge-base");
    }

    @Test
    void aShallowCloneWithoutTheBaselineSaysHowToFetchIt() {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        List<String> commits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            origin.write("a.txt", "version " + i + "\n");
            commits.add(origin.commit("c" + i));
        }
        Path clone = tmp.resolve("clone");
        TestRepo.runGit(tmp, Map.of(), "clone", "-q", "--depth", "1", "file://" + origin.dir(), clone.toString());
        GitRepository git = GitRepository.open(clone);
        assertThat(git.isShallow()).isTrue();
        assertThatThrownBy(() -> git.change(commits.get(0), "HEAD"))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("shallow clone")
                .hasMessageContaining("--unshallow");
    }

    @Test
    void missingGitIsReportedAsSuch() {
        Git git = new Git(tmp, "definitely-not-git-" + System.nanoTime());
        assertThatThrownBy(() -> git.run("status"))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("git is not installed");
    }

    @Test
    void readsAFileAtACommit() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        repo.write("dir/a.txt", "hello\n");
        String c = repo.commit("c");
        Files.writeString(repo.dir().resolve("dir/a.txt"), "changed\n");
        GitRepository git = GitRepository.open(repo.dir().resolve("dir"));
        assertThat(git.topLevel()).isEqualTo(repo.dir().toRealPath());
        assertThat(git.readFile(c, "dir/a.txt")).contains("hello\n");
        assertThat(git.readFile(c, "dir/missing.txt")).isEmpty();
    }
}
