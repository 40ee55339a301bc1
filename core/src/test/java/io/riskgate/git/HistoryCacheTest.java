package io.riskgate.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.testing.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history measures read with the cache of earlier commits' files equal those read from git
 * alone: on random histories (renames, deletions, merges, an empty commit, five authors), whether
 * the cache is empty, complete, missing the newest commits or damaged.
 */
class HistoryCacheTest {
    private static final String[] AUTHORS = {"alice", "bob", "carol", "dave", "erin"};
    private static final String[] DIRS = {"app", "lib", "docs", "web"};

    @TempDir
    Path tmp;

    /** A history of {@code commits} commits from {@code seed}; returns the ids of the commits on main, oldest first. */
    private static List<String> randomHistory(TestRepo repo, long seed, int commits) {
        Random random = new Random(seed);
        List<String> files = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        repo.write("README.md", "start\n");
        files.add("README.md");
        ids.add(repo.commitAs("Alice", "alice@example.com", "initial"));
        for (int i = 1; i < commits; i++) {
            String author = AUTHORS[random.nextInt(AUTHORS.length)];
            String email = (random.nextBoolean() ? author : author.toUpperCase()) + "@example.com";
            int op = random.nextInt(10);
            if (i == commits / 2) {
                ids.add(repo.commitAs("Erin", "erin@example.com", "an empty commit"));
                continue;
            }
            if (i == commits / 3) {
                // a branch with two commits merged back: the merge itself is not read
                repo.checkout("-b", "side" + i);
                repo.lines("side/File" + i + ".txt", "side " + i, 5);
                repo.commitAs("Bob", "bob@example.com", "side work");
                repo.lines("side/File" + i + ".txt", "side more " + i, 5);
                repo.commitAs("Carol", "carol@example.com", "more side work");
                repo.checkout("main");
                repo.lines("app/Main" + i + ".txt", "main " + i, 3);
                repo.commitAs("Dave", "dave@example.com", "main work");
                ids.add(repo.merge("side" + i, "merge side"));
                files.add("side/File" + i + ".txt");
                files.add("app/Main" + i + ".txt");
                continue;
            }
            if (op < 2 && files.size() > 2) {
                // a rename, sometimes with an edit
                String from = files.remove(random.nextInt(files.size()));
                String to = DIRS[random.nextInt(DIRS.length)] + "/Renamed" + i + ".txt";
                repo.move(from, to);
                if (random.nextBoolean()) {
                    repo.write(to, repo.git("show", "HEAD:" + from) + "edit " + i + "\n");
                }
                files.add(to);
            } else if (op == 2 && files.size() > 3) {
                repo.delete(files.remove(random.nextInt(files.size())));
            } else {
                int n = 1 + random.nextInt(3);
                for (int k = 0; k < n; k++) {
                    String path = random.nextInt(3) == 0 || files.isEmpty()
                            ? DIRS[random.nextInt(DIRS.length)] + "/File" + i + "_" + k + ".txt"
                            : files.get(random.nextInt(files.size()));
                    repo.lines(path, "v" + i + "_" + k, 4 + random.nextInt(6));
                    if (!files.contains(path)) {
                        files.add(path);
                    }
                }
            }
            String subject = random.nextInt(4) == 0 ? "fix " + i : "change " + i;
            ids.add(repo.commitAs(author, email, subject));
        }
        return ids;
    }

    private static HistoryMeasures measure(Path dir, String base, String head, HistoryCache cache) {
        GitRepository git = GitRepository.open(dir);
        return new ChangeHistory(git, HistoryRules.defaults(), cache).measure(git.change(base, head));
    }

    /** Measured with {@code readers} git processes reading tree diffs, each of at least {@code perReader} commits. */
    private static HistoryMeasures measure(Path dir, String base, String head, HistoryCache cache, int readers, int perReader) {
        GitRepository git = GitRepository.open(dir);
        return new ChangeHistory(git, HistoryRules.defaults(), cache).readers(readers, perReader).measure(git.change(base, head));
    }

    @Test
    void measuresWithTheCacheEqualThoseFromGitOnRandomHistories() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            TestRepo repo = TestRepo.init(tmp.resolve("r" + seed));
            List<String> ids = randomHistory(repo, seed, 40);
            HistoryCache cache = HistoryCache.at(tmp.resolve("cache" + seed + ".bin"));
            HistoryCache parallelCache = HistoryCache.at(tmp.resolve("parallel" + seed + ".bin"));
            // bases in time order (each later one finds the newest commits missing), then back (all cached)
            List<Integer> bases = new ArrayList<>(List.of(5, 12, 20, 33, 38, 25, 14, 6));
            for (int b : bases) {
                for (int span : new int[] {1, 2}) {
                    String base = ids.get(b);
                    String head = ids.get(Math.min(ids.size() - 1, b + span));
                    // one git log of the whole pass
                    HistoryMeasures fromGit = measure(repo.dir(), base, head, null, 1, 1);
                    String what = "seed " + seed + ", change " + b + ".." + (b + span);
                    // the headers, then three git processes reading the tree diffs of a third of the look-back each
                    for (int[] readers : new int[][] {{3, 1}, {2, 7}}) {
                        GitRepository git = GitRepository.open(repo.dir());
                        ChangeHistory history = new ChangeHistory(git, HistoryRules.defaults(), null).readers(readers[0], readers[1]);
                        assertThat(history.measure(git.change(base, head))).as(what + ", " + readers[0] + " readers").isEqualTo(fromGit);
                        assertThat(history.lastReaders).as(what + ": the tree diffs were read side by side")
                                .isEqualTo(Math.max(1, Math.min(readers[0], fromGit.commitsRead() / readers[1])));
                    }
                    // the cache filled and read by one reader, and by three
                    HistoryMeasures first = measure(repo.dir(), base, head, cache, 1, 1);
                    HistoryMeasures again = measure(repo.dir(), base, head, cache, 1, 1);
                    assertThat(first).as(what).isEqualTo(fromGit);
                    assertThat(again).as(what + ", from the cache").isEqualTo(fromGit);
                    assertThat(measure(repo.dir(), base, head, parallelCache, 3, 1)).as(what + ", cache of three readers").isEqualTo(fromGit);
                    assertThat(measure(repo.dir(), base, head, parallelCache, 3, 1)).as(what + ", cache of three readers, again")
                            .isEqualTo(fromGit);
                    assertThat(fromGit.commitsRead()).as(what).isGreaterThan(0);
                }
            }
            assertThat(Files.size(cache.file())).isPositive();
            // every commit on main up to the newest base but the merges is in the cache
            assertThat(cache.read()).hasSizeGreaterThanOrEqualTo(36);
            assertThat(contents(parallelCache)).isEqualTo(contents(cache));
        }
    }

    /** What a cache holds, comparable: each commit's paths and the paths they were renamed from. */
    private static Map<String, List<List<String>>> contents(HistoryCache cache) {
        Map<String, List<List<String>>> all = new java.util.TreeMap<>();
        cache.read().forEach((sha, files) -> all.put(sha, List.of(List.of(files.paths()), java.util.Arrays.asList(files.renamedFrom()))));
        return all;
    }

    @Test
    void theNumberOfReadersComesFromThePropertyElseTheEnvironmentAndASettingNotUsedAsItIsIsSaid() {
        // unset or blank: one per processor but one, at most four, no problem
        assertThat(ChangeHistory.readersSetting(null, null, 2)).isEqualTo(new ChangeHistory.ReadersSetting(1, null));
        assertThat(ChangeHistory.readersSetting(" ", "", 8)).isEqualTo(new ChangeHistory.ReadersSetting(4, null));
        assertThat(ChangeHistory.readersSetting(null, null, 3).readers()).isEqualTo(2);
        assertThat(ChangeHistory.readersSetting(null, null, 1).readers()).isEqualTo(1);
        // the property wins over the environment; spaces around the number are fine
        assertThat(ChangeHistory.readersSetting(" 3 ", "7", 2)).isEqualTo(new ChangeHistory.ReadersSetting(3, null));
        assertThat(ChangeHistory.readersSetting(null, "7", 2)).isEqualTo(new ChangeHistory.ReadersSetting(7, null));
        assertThat(ChangeHistory.readersSetting(null, "64", 2).problem()).isNull();
        // not a number: the default, and the variable, the value and the default named
        ChangeHistory.ReadersSetting word = ChangeHistory.readersSetting(null, "abc", 5);
        assertThat(word.readers()).isEqualTo(4);
        assertThat(word.problem()).isEqualTo("RISKGATE_HISTORY_READERS is 'abc', not a whole number from 1 to 64:"
                + " the history was read with the default of 4 git processes");
        assertThat(ChangeHistory.readersSetting("2.5", null, 2).problem())
                .startsWith("riskgate.history.readers is '2.5', not a whole number").endsWith("the default of 1 git process");
        assertThat(ChangeHistory.readersSetting(null, "x".repeat(500), 2).problem()).hasSizeLessThan(200);
        // out of range: the nearest bound, said
        assertThat(ChangeHistory.readersSetting(null, "0", 2))
                .isEqualTo(new ChangeHistory.ReadersSetting(1, "RISKGATE_HISTORY_READERS is 0, outside 1 to 64: the history was read with 1 git process"));
        assertThat(ChangeHistory.readersSetting("-3", null, 2).readers()).isEqualTo(1);
        assertThat(ChangeHistory.readersSetting(null, "100", 2).readers()).isEqualTo(64);
        assertThat(ChangeHistory.readersSetting(null, "99999999999999999999", 2).problem()).contains("not a whole number");
    }

    @Test
    void aReadersSettingNotUsedAsItIsIsInTheHistoryNoteAndTheMeasuresStayTheSame() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        List<String> ids = randomHistory(repo, 5, 24);
        String base = ids.get(20);
        String head = ids.get(22);
        HistoryMeasures plain = measure(repo.dir(), base, head, null, 1, 1);
        assertThat(plain.note()).isNull();
        GitRepository git = GitRepository.open(repo.dir());
        ChangeHistory history = new ChangeHistory(git, HistoryRules.defaults(), null)
                .setting(ChangeHistory.readersSetting(null, "lots", 2)).readers(1, 1);
        HistoryMeasures warned = history.measure(git.change(base, head));
        assertThat(warned.note()).isEqualTo("RISKGATE_HISTORY_READERS is 'lots', not a whole number from 1 to 64:"
                + " the history was read with the default of 1 git process");
        assertThat(withNote(warned, null)).isEqualTo(plain);
        // with the look-back's own note, both are said
        ChangeHistory limited = new ChangeHistory(git, new HistoryRules(HistoryRules.defaults().lookBackDays(), 5,
                HistoryRules.defaults().fixPatterns()), null).setting(ChangeHistory.readersSetting("0", null, 2));
        assertThat(limited.measure(git.change(base, head)).note())
                .startsWith("history measures from the last 5 commits")
                .endsWith("; riskgate.history.readers is 0, outside 1 to 64: the history was read with 1 git process");
    }

    @Test
    void treeDiffsTooManyToHoldAreReadByOneGitLogInstead() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        List<String> ids = randomHistory(repo, 11, 30);
        String base = ids.get(24);
        String head = ids.get(26);
        HistoryMeasures fromGit = measure(repo.dir(), base, head, null, 1, 1);
        GitRepository git = GitRepository.open(repo.dir());
        HistoryCache cache = HistoryCache.at(tmp.resolve("cache.bin"));
        // three readers may hold 5 paths: the first to pass it stops them all, and the whole pass runs in one git log
        ChangeHistory history = new ChangeHistory(git, HistoryRules.defaults(), cache).readers(3, 1).pathLimit(5);
        HistoryMeasures limited = history.measure(git.change(base, head));
        assertThat(history.lastReaders).as("one git log").isZero();
        assertThat(limited).isEqualTo(fromGit);
        assertThat(limited.commitsRead()).isGreaterThan(5);
        // that git log filled the cache with every commit it read
        assertThat(cache.read()).hasSize(fromGit.commitsRead());
    }

    @Test
    void aCompleteCacheIsReadInsteadOfTheTreeDiffs() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        List<String> ids = randomHistory(repo, 7, 20);
        HistoryCache cache = HistoryCache.at(tmp.resolve("cache.bin"));
        String base = ids.get(15);
        String head = ids.get(16);
        HistoryMeasures fromGit = measure(repo.dir(), base, head, cache);
        assertThat(fromGit.priorChanges()).isPositive();

        // the same entries with their files removed: a measure that reads them finds no earlier change to the files
        Map<String, HistoryCache.CommitFiles> empty = new LinkedHashMap<>();
        for (String sha : cache.read().keySet()) {
            empty.put(sha, new HistoryCache.CommitFiles(new String[0], new String[0]));
        }
        cache.write(empty, Map.of());
        HistoryMeasures fromCache = measure(repo.dir(), base, head, cache);
        assertThat(fromCache.priorChanges()).isZero();
        assertThat(fromCache.developers()).isZero();
        assertThat(fromCache.commitsRead()).as("the commits still come from git").isEqualTo(fromGit.commitsRead());
        assertThat(fromCache.authorExperience()).as("experience needs only the headers").isEqualTo(fromGit.authorExperience());
    }

    @Test
    void aDamagedOrForeignFileIsIgnoredAndWrittenAgain() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        List<String> ids = randomHistory(repo, 11, 20);
        HistoryCache cache = HistoryCache.at(tmp.resolve("cache.bin"));
        HistoryMeasures fromGit = measure(repo.dir(), ids.get(17), ids.get(19), null);
        measure(repo.dir(), ids.get(17), ids.get(19), cache);
        byte[] good = Files.readAllBytes(cache.file());

        for (byte[] bad : List.of(java.util.Arrays.copyOf(good, good.length / 2), "not a cache".getBytes(),
                new byte[0], java.util.Arrays.copyOf(good, good.length + 3))) {
            Files.write(cache.file(), bad);
            assertThat(cache.read()).isEmpty();
            assertThat(measure(repo.dir(), ids.get(17), ids.get(19), cache)).isEqualTo(fromGit);
            assertThat(cache.read()).as("written again").hasSize(new HistoryCacheReader(good).size());
        }
    }

    /** The number of entries in a cache file's bytes. */
    private final class HistoryCacheReader {
        private final byte[] bytes;

        HistoryCacheReader(byte[] bytes) {
            this.bytes = bytes;
        }

        int size() throws Exception {
            Path copy = Files.write(tmp.resolve("copy.bin"), bytes);
            return HistoryCache.at(copy).read().size();
        }
    }

    @Test
    void entriesRoundTripWithRenamesAndAnyPathAndKeepTheLookBackFirst() {
        HistoryCache cache = HistoryCache.at(tmp.resolve("sub/dir/cache.bin"));
        Map<String, HistoryCache.CommitFiles> current = new LinkedHashMap<>();
        current.put("a1", new HistoryCache.CommitFiles(new String[] {"docs/Über uns.md", "app/New.java"}, new String[] {null, "lib/Old.java"}));
        current.put("a2", new HistoryCache.CommitFiles(new String[0], new String[0]));
        Map<String, HistoryCache.CommitFiles> earlier = new LinkedHashMap<>();
        earlier.put("a1", new HistoryCache.CommitFiles(new String[] {"stale"}, new String[] {null}));
        earlier.put("b1", new HistoryCache.CommitFiles(new String[] {"app/New.java"}, new String[] {null}));
        cache.write(current, earlier);

        Map<String, HistoryCache.CommitFiles> read = cache.read();
        assertThat(read).containsOnlyKeys("a1", "a2", "b1");
        assertThat(read.get("a1").paths()).containsExactly("docs/Über uns.md", "app/New.java");
        assertThat(read.get("a1").renamedFrom()).containsExactly(null, "lib/Old.java");
        assertThat(read.get("a2").paths()).isEmpty();
        assertThat(read.get("b1").paths()).containsExactly("app/New.java");
    }

    @Test
    void aShallowCloneIsNotCachedAndAnUnwritableDirectoryChangesNothing() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        List<String> ids = randomHistory(repo, 3, 12);
        Path clone = tmp.resolve("shallow");
        TestRepo.runGit(tmp, Map.of(), "clone", "-q", "--depth", "4", "file://" + repo.dir(), clone.toString());
        HistoryCache cache = HistoryCache.at(tmp.resolve("shallow.bin"));
        HistoryMeasures shallow = measure(clone, "HEAD~1", "HEAD", cache);
        assertThat(shallow.shallow()).isTrue();
        assertThat(cache.file()).doesNotExist();

        Files.writeString(tmp.resolve("a-file"), "x");
        HistoryCache unwritable = HistoryCache.at(tmp.resolve("a-file/cache.bin"));
        HistoryMeasures without = measure(repo.dir(), ids.get(9), ids.get(11), null);
        HistoryMeasures unwritten = measure(repo.dir(), ids.get(9), ids.get(11), unwritable);
        // the same measures; the note says why the cache is not there and what to do
        assertThat(without.note()).isNull();
        assertThat(withNote(unwritten, null)).isEqualTo(without);
        assertThat(unwritten.note()).isEqualTo("the history cache was not written (not a directory: " + tmp.resolve("a-file")
                + "): the next assessment reads the history from git again; RISKGATE_CACHE_DIR names a writable directory"
                + " for it, or off turns it off");
        // written where it can be: no note
        assertThat(measure(repo.dir(), ids.get(9), ids.get(11), HistoryCache.at(tmp.resolve("ok/cache.bin"))).note()).isNull();
    }

    private static HistoryMeasures withNote(HistoryMeasures m, String note) {
        return new HistoryMeasures(m.developers(), m.age(), m.priorChanges(), m.authorExperience(), m.recentExperience(),
                m.subsystemExperience(), m.fix(), m.commitsRead(), m.since(), m.shallow(), note);
    }

    @Test
    void clonesOfOneRemoteShareTheCache() throws Exception {
        TestRepo origin = TestRepo.init(tmp.resolve("origin"));
        randomHistory(origin, 5, 15);
        Path a = tmp.resolve("workspace-a");
        Path b = tmp.resolve("workspace-b");
        TestRepo.runGit(tmp, Map.of(), "clone", "-q", "file://" + origin.dir(), a.toString());
        TestRepo.runGit(tmp, Map.of(), "clone", "-q", "file://" + origin.dir(), b.toString());
        withCacheDirectory(tmp.resolve("shared").toString(), () -> {
            HistoryCache cacheA = GitRepository.open(a).historyCache();
            assertThat(cacheA.file()).isEqualTo(GitRepository.open(b).historyCache().file());
            assertThat(cacheA.file()).as("a repository without a remote has its own").isNotEqualTo(GitRepository.open(origin.dir()).historyCache().file());

            GitRepository gitA = GitRepository.open(a);
            HistoryMeasures inA = new ChangeHistory(gitA, HistoryRules.defaults()).measure(gitA.change("HEAD~2", "HEAD"));
            assertThat(cacheA.file()).exists();
            // what clone b reads is what clone a wrote: the entries without their files count no earlier change
            Map<String, HistoryCache.CommitFiles> empty = new LinkedHashMap<>();
            for (String sha : cacheA.read().keySet()) {
                empty.put(sha, new HistoryCache.CommitFiles(new String[0], new String[0]));
            }
            cacheA.write(empty, Map.of());
            GitRepository gitB = GitRepository.open(b);
            HistoryMeasures inB = new ChangeHistory(gitB, HistoryRules.defaults()).measure(gitB.change("HEAD~2", "HEAD"));
            assertThat(inB.commitsRead()).isEqualTo(inA.commitsRead());
            assertThat(inB.priorChanges()).isZero();
            assertThat(inA.priorChanges()).isPositive();
        });
    }

    @Test
    void replacedParentsTurnTheCacheOffAndTheUsersLogSettingsChangeNothing() throws Exception {
        TestRepo repo = TestRepo.init(tmp.resolve("r"));
        List<String> ids = randomHistory(repo, 13, 12);
        withCacheDirectory(tmp.resolve("c").toString(), () -> {
            assertThat(GitRepository.open(repo.dir()).historyCache()).isNotNull();
            // the root commit's files count whatever log.showRoot says, from git and from the cache alike
            TestRepo small = TestRepo.init(tmp.resolve("small"));
            small.write("a.txt", "a\n");
            small.commitAs("Bob", "bob@example.com", "root");
            small.write("b.txt", "b\n");
            String base = small.commitAs("Bob", "bob@example.com", "b");
            small.write("a.txt", "a2\n");
            String head = small.commitAs("Bob", "bob@example.com", "a again");
            small.git("config", "log.showRoot", "false");
            HistoryCache cache = HistoryCache.at(tmp.resolve("root.bin"));
            for (HistoryMeasures m : List.of(measure(small.dir(), base, head, null), measure(small.dir(), base, head, cache),
                    measure(small.dir(), base, head, cache))) {
                assertThat(m.priorChanges()).as("the root commit added a.txt").isEqualTo(1);
                assertThat(m.commitsRead()).isEqualTo(2);
            }

            // git replace: commit 5 seen with commit 2 as its parent in this clone only
            repo.git("replace", "--graft", ids.get(5), ids.get(2));
            assertThat(GitRepository.open(repo.dir()).historyCache()).isNull();
            repo.git("pack-refs", "--all");
            deleteTree(repo.dir().resolve(".git/refs/replace"));
            assertThat(repo.git("for-each-ref", "refs/replace/")).as("packed").isNotBlank();
            assertThat(GitRepository.open(repo.dir()).historyCache()).as("a packed replace ref").isNull();
            repo.git("replace", "-d", ids.get(5));
            deleteTree(repo.dir().resolve(".git/refs/replace"));
            assertThat(GitRepository.open(repo.dir()).historyCache()).isNotNull();
        });
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aRemoteIsNamedTheSameWhateverItsSpelling() {
        for (String url : List.of("https://github.com/org/shop.git", "https://user:token@GitHub.com/org/shop", "git@github.com:org/shop.git",
                "ssh://git@github.com:22/org/shop.git/", "ssh://github.com/org/shop", "git://github.com/org/shop.git")) {
            assertThat(HistoryCache.remoteName(url)).as(url).isEqualTo("github.com/org/shop");
        }
        assertThat(HistoryCache.remoteName("file:///srv/git/shop.git")).isEqualTo(HistoryCache.remoteName("/srv/git/shop"));
        assertThat(HistoryCache.remoteName("/srv/git/shop")).isEqualTo("/srv/git/shop");
        assertThat(HistoryCache.remoteName("https://github.com/org/shop")).isNotEqualTo(HistoryCache.remoteName("https://github.com/org/shop-web"))
                .isNotEqualTo(HistoryCache.remoteName("https://gitlab.com/org/shop"));
        assertThat(HistoryCache.remoteName("../shop")).isEqualTo("../shop");
    }

    @Test
    void theConfiguredDirectoryOrOff() throws Exception {
        withCacheDirectory(tmp.resolve("c").toString(), () -> {
            assertThat(HistoryCache.directory()).isEqualTo(tmp.resolve("c"));
            HistoryCache one = HistoryCache.of(tmp.resolve("one/.git"));
            assertThat(one.file().getParent()).isEqualTo(tmp.resolve("c"));
            assertThat(one.file()).isEqualTo(HistoryCache.of(tmp.resolve("one/../one/.git")).file());
            assertThat(one.file()).isNotEqualTo(HistoryCache.of(tmp.resolve("two/.git")).file());
            HistoryCache remote = HistoryCache.forRemote("https://user:secret@example.com/shop.git");
            assertThat(remote.file().getFileName().toString()).doesNotContain("secret").matches("history-[0-9a-f]{24}\\.bin");
            System.setProperty("riskgate.cache.dir", "off");
            assertThat(HistoryCache.directory()).isNull();
            assertThat(HistoryCache.of(tmp.resolve("one/.git"))).isNull();
            assertThat(HistoryCache.forRemote("https://example.com/shop.git")).isNull();
        });
    }

    /** Runs {@code test} with the cache directory set to {@code dir} (a path or {@code off}), then puts the setting back. */
    private static void withCacheDirectory(String dir, ThrowingRunnable test) throws Exception {
        String before = System.getProperty("riskgate.cache.dir");
        try {
            System.setProperty("riskgate.cache.dir", dir);
            test.run();
        } finally {
            if (before == null) {
                System.clearProperty("riskgate.cache.dir");
            } else {
                System.setProperty("riskgate.cache.dir", before);
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
