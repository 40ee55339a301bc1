package io.riskgate.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the history measures of a change ({@link HistoryMeasures}) in one pass over the commits
 * before its baseline: {@code git log --no-merges -M --name-status} from the baseline, newest first,
 * limited to the look-back days and commits of {@link HistoryRules}. Counted while reading: one
 * entry per file the change touches (last change, number of changes), the set of their earlier
 * authors, and three counters per author of the change.
 *
 * <p>The files each commit changed are kept between assessments ({@link HistoryCache}): when the
 * cache has the look-back's commits but a few, git lists only the commits' headers and the tree
 * diffs of those few, and the measures are the same. Without a cache file (a first assessment) on
 * more than two processors, git lists the headers and several git processes read the tree diffs of
 * parts of the look-back side by side. Memory is bounded by the look-back (the commits it allows and
 * {@link HistoryCache#MAX_PATH_ENTRIES}), not by the repository's age.
 *
 * <p>The files are the paths the change touches, at the baseline and at head, without rename
 * detection: a file the change renames is followed under its old path. A rename in the history of
 * a tracked file (git's rename detection) makes its earlier path count as the same file.
 */
public final class ChangeHistory {
    private static final double DAY_SECONDS = 86_400.0;
    private static final char RECORD = 0x1e;
    private static final char FIELD = 0x1f;

    private final GitRepository repo;
    private final HistoryRules rules;

    /** The history cache to use, or null for none: the configured one, or one a test gives. */
    private final java.util.function.Supplier<HistoryCache> cache;

    /**
     * How many git processes read the tree diffs of commits the cache lacks, side by side, when there
     * are many (a first assessment): the system property {@code riskgate.history.readers}, else the
     * environment variable {@code RISKGATE_HISTORY_READERS}, else one per processor but one (the
     * assessment's diff and analysis take about one), at most four; 1 reads a first assessment's
     * whole pass in one git log, as on two processors, where more readers only share the cores the
     * diff needs.
     */
    private static ReadersSetting configuredSetting() {
        return readersSetting(System.getProperty("riskgate.history.readers"), System.getenv("RISKGATE_HISTORY_READERS"),
                Runtime.getRuntime().availableProcessors());
    }

    /** The number of history readers to use, and what was wrong with the setting it came from (null when nothing was). */
    record ReadersSetting(int readers, String problem) {
    }

    /** Up to this many history readers can be configured. */
    static final int MAX_READERS = 64;

    /**
     * The number of history readers from the system property's value (or, when it is unset or blank,
     * the environment variable's) on a machine with {@code processors} processors: a whole number from
     * 1 to {@value #MAX_READERS} is used as it is; a number outside that range counts as the nearest
     * bound; anything else, or nothing, gives the default. A setting that was not used as it is comes
     * with the problem in words, for the assessment's history note.
     */
    static ReadersSetting readersSetting(String property, String environment, int processors) {
        int fallback = Math.max(1, Math.min(4, processors - 1));
        String name = "riskgate.history.readers";
        String configured = property;
        if (configured == null || configured.isBlank()) {
            name = "RISKGATE_HISTORY_READERS";
            configured = environment;
        }
        if (configured == null || configured.isBlank()) {
            return new ReadersSetting(fallback, null);
        }
        String value = configured.strip();
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            return new ReadersSetting(fallback, name + " is '" + (value.length() > 40 ? value.substring(0, 40) + "..." : value)
                    + "', not a whole number from 1 to " + MAX_READERS + ": the history was read with the default of " + processes(fallback));
        }
        if (n < 1 || n > MAX_READERS) {
            int used = n < 1 ? 1 : MAX_READERS;
            return new ReadersSetting(used, name + " is " + value + ", outside 1 to " + MAX_READERS + ": the history was read with "
                    + processes(used));
        }
        return new ReadersSetting((int) n, null);
    }

    private static String processes(int n) {
        return n == 1 ? "1 git process" : n + " git processes";
    }

    /** Each reader takes at least this many commits: below, one process reads them all. */
    static final int COMMITS_PER_READER = 1_000;

    private int readers;
    /** What was wrong with the configured number of readers, for the history note; null when nothing was. */
    private String readersProblem;
    private int commitsPerReader = COMMITS_PER_READER;
    private long pathLimit = HistoryCache.MAX_PATH_ENTRIES;
    /** How the last measure read the tree diffs: the number of git diff-tree processes, 0 for the whole pass in one git log (tests). */
    int lastReaders = -1;

    public ChangeHistory(GitRepository repo, HistoryRules rules) {
        this(repo, rules, repo::historyCache);
    }

    /** With {@code cache} in place of the configured one (null: none). */
    ChangeHistory(GitRepository repo, HistoryRules rules, HistoryCache cache) {
        this(repo, rules, () -> cache);
    }

    private ChangeHistory(GitRepository repo, HistoryRules rules, java.util.function.Supplier<HistoryCache> cache) {
        this.repo = repo;
        this.rules = rules;
        this.cache = cache;
        setting(configuredSetting());
    }

    /** The same, with the number of readers and its problem as {@code setting} gives them (tests). */
    ChangeHistory setting(ReadersSetting setting) {
        this.readers = setting.readers();
        this.readersProblem = setting.problem();
        return this;
    }

    /** The same, with {@code readers} git processes of at least {@code commitsPerReader} commits each (tests). */
    ChangeHistory readers(int readers, int commitsPerReader) {
        this.readers = Math.max(1, readers);
        this.commitsPerReader = Math.max(1, commitsPerReader);
        return this;
    }

    /** The same, with at most {@code paths} paths of tree diffs held before the pass runs in one git log instead (tests). */
    ChangeHistory pathLimit(long paths) {
        this.pathLimit = paths;
        return this;
    }

    /** One file the change touches (under one or more paths, through renames). */
    private static final class FileState {
        long lastChange = Long.MIN_VALUE;
        int changes;
    }

    /** One author of the change. */
    private static final class AuthorState {
        int commits;
        double recent;
        int inSubsystems;
    }

    /** The history measures of {@code change}; never fails: what cannot be read is said in the note. */
    public HistoryMeasures measure(Change change) {
        List<Commit> own = change.nonMergeCommits().isEmpty() ? change.commits() : change.nonMergeCommits();
        if (own.isEmpty()) {
            return HistoryMeasures.NONE;
        }
        boolean fix = isFix(own, branchOf(change.headRef()));
        long reference = own.stream().mapToLong(c -> c.authorTime().getEpochSecond()).min().orElseThrow();
        boolean shallow = repo.isShallow();
        try {
            return read(change, reference, fix, shallow);
        } catch (GitException | java.io.UncheckedIOException e) {
            return new HistoryMeasures(0, 0, 0, 0, 0, 0, fix, 0, null, shallow,
                    "the history could not be read (" + e.getMessage() + "): history and experience measures are 0");
        }
    }

    /**
     * What the measures count, commit by commit, newest first: one entry per file the change touches,
     * the set of their earlier authors, three counters per author of the change.
     */
    private static final class Tally {
        final Map<String, FileState> files = new LinkedHashMap<>();   // in order, so that the mean age is summed in one order
        final Set<String> subsystems = new HashSet<>();
        final Map<String, AuthorState> authors = new LinkedHashMap<>();
        final Set<String> developers = new HashSet<>();
        final long reference;
        int priorChanges;
        int commitsRead;
        long oldest = Long.MAX_VALUE;
        /** Why the history cache could not be written, or null. */
        String cacheProblem;

        Tally(Change change, long reference, List<String> changedPaths) {
            this.reference = reference;
            for (String email : change.authors()) {
                authors.put(email, new AuthorState());
            }
            for (String path : changedPaths) {
                files.computeIfAbsent(path, p -> new FileState());
                subsystems.add(subsystem(path));
            }
        }

        /** One earlier commit: its author time, author e-mail (lower case), and the files it changed. */
        void commit(long time, String email, String[] paths, String[] renamedFrom) {
            commitsRead++;
            oldest = Math.min(oldest, time);
            boolean touches = false;
            boolean inSubsystems = false;
            AuthorState author = authors.get(email);
            for (int i = 0; i < paths.length; i++) {
                String path = paths[i];
                String from = renamedFrom[i];
                FileState file = files.get(path);
                if (file == null && from != null) {
                    file = files.get(from);
                } else if (file != null && from != null) {
                    files.putIfAbsent(from, file);   // earlier commits name the file by its old path
                }
                if (file != null) {
                    if (file.lastChange == Long.MIN_VALUE) {
                        file.lastChange = time;
                    }
                    file.changes++;
                    touches = true;
                }
                if (author != null && !inSubsystems) {   // only the change's authors' subsystem experience is counted
                    inSubsystems = subsystems.contains(subsystem(path)) || from != null && subsystems.contains(subsystem(from));
                }
            }
            if (touches) {
                priorChanges++;
                developers.add(email);
            }
            if (author != null) {
                author.commits++;
                author.recent += 1.0 / (1.0 + Math.max(0, reference - time) / DAY_SECONDS / 365.0);
                author.inSubsystems += inSubsystems ? 1 : 0;
            }
        }
    }

    /** A commit of the look-back as its header gives it: id, author time, author e-mail (lower case). */
    private record Header(String sha, long time, String email) {
    }

    /** git's header of each commit the pass reads: record separator, id, author time, author e-mail. */
    private static final String FORMAT = "--format=%x1e%H%x1f%at%x1f%ae";
    /** Up to this many commits (or a quarter of the look-back, when more) missing from the cache are asked of git one by one. */
    static final int MAX_MISSING = 500;

    private HistoryMeasures read(Change change, long reference, boolean fix, boolean shallow) {
        long since = reference - (long) rules.lookBackDays() * 86_400L;
        // a shallow clone's oldest commits look like root commits: what git lists for them changes when it is deepened
        HistoryCache cache = shallow ? null : this.cache.get();
        String[] range = {"--since=" + Instant.ofEpochSecond(since), "--max-count=" + rules.maxCommits(), change.baseline(), "--"};
        List<String> changedPaths = new ArrayList<>();
        Map<String, HistoryCache.CommitFiles> cached = new HashMap<>();
        boolean filed = cache != null && java.nio.file.Files.isRegularFile(cache.file());
        // without a cache file yet (a first assessment) and one processor, the whole pass runs at once in one git log
        Tally tally = filed || readers > 1 ? fromHeaders(change, reference, range, cache, filed, changedPaths, cached) : null;
        if (tally == null) {
            lastReaders = 0;
            tally = fromGit(change, reference, range, cache, changedPaths, cached);
        }
        double ageSum = 0;
        int aged = 0;
        for (FileState f : new java.util.LinkedHashSet<>(tally.files.values())) {
            if (f.changes > 0) {
                ageSum += Math.max(0, reference - f.lastChange) / DAY_SECONDS;
                aged++;
            }
        }
        double exp = 0;
        double rexp = 0;
        double sexp = 0;
        for (AuthorState a : tally.authors.values()) {
            exp += a.commits;
            rexp += a.recent;
            sexp += a.inSubsystems;
        }
        int n = Math.max(1, tally.authors.size());
        Instant oldestRead = tally.commitsRead == 0 ? null : Instant.ofEpochSecond(tally.oldest);
        return new HistoryMeasures(tally.developers.size(), aged == 0 ? 0 : ageSum / aged, tally.priorChanges, exp / n, rexp / n,
                sexp / n, fix, tally.commitsRead, oldestRead, shallow, joined(joined(note(shallow, tally.commitsRead, oldestRead), readersProblem), tally.cacheProblem));
    }

    /** The change's paths, listed while a git command starts and fills its pipe (once). */
    private void listChangedPaths(Change change, List<String> changedPaths) {
        if (changedPaths.isEmpty()) {
            changedPaths.addAll(repo.changedPaths(change.baseline(), change.head()));
        }
    }

    /**
     * The pass from the commits' headers: the look-back's commit headers from git (no tree diffs), the
     * files of each from the cache (if {@code filed}), and git's tree diffs of those it does not have.
     * Few missing (new commits since the last assessment, usually) are read by one git process; many
     * (a first assessment) by {@link #configuredSetting()} side by side, each a contiguous part of the
     * look-back, or, with one reader, by the whole pass in one git log instead (then this returns null,
     * as it does when what git lists would hold more than {@link HistoryCache#MAX_PATH_ENTRIES} paths in
     * memory). The cache, if any, is written again when something was added.
     */
    private Tally fromHeaders(Change change, long reference, String[] range, HistoryCache cache, boolean filed, List<String> changedPaths,
                              Map<String, HistoryCache.CommitFiles> cached) {
        List<Header> headers = new ArrayList<>();
        repo.git().streamBytes(reader -> {
            listChangedPaths(change, changedPaths);
            if (filed) {
                cached.putAll(cache.read());
            }
            Entry entry = new Entry(reader);
            while (entry.next()) {
                headers.add(new Header(entry.sha, entry.time, entry.email));
            }
        }, concat(new String[] {"log", "--no-merges", "--no-color", "-z", FORMAT}, range));
        List<String> missing = new ArrayList<>();
        for (Header h : headers) {
            if (!cached.containsKey(h.sha())) {
                missing.add(h.sha());
            }
        }
        if (readers == 1 && missing.size() > Math.max(MAX_MISSING, headers.size() / 4)) {
            return null;
        }
        Map<String, HistoryCache.CommitFiles> read = treeDiffs(missing);
        if (read == null) {
            return null;
        }
        Tally tally = new Tally(change, reference, changedPaths);
        Map<String, HistoryCache.CommitFiles> current = missing.isEmpty() || cache == null ? null : new LinkedHashMap<>();
        for (Header h : headers) {
            HistoryCache.CommitFiles files = cached.get(h.sha());
            if (files == null) {
                files = read.get(h.sha());
            }
            if (files == null) {
                return null;   // git did not list it: read the pass as a whole
            }
            tally.commit(h.time(), h.email(), files.paths(), files.renamedFrom());
            if (current != null) {
                current.put(h.sha(), files);
            }
        }
        if (current != null) {
            tally.cacheProblem = cache.write(current, cached);
        }
        return tally;
    }

    /** Thrown by a reader when the tree diffs read hold more paths than memory is given for them. */
    private static final class TooManyPaths extends RuntimeException {
        TooManyPaths() {
            super(null, null, false, false);
        }
    }

    /**
     * The files of each of these commits ({@code git diff-tree --stdin}): in one git process, or in
     * several side by side when there are enough commits for each; null if they hold more than
     * {@link HistoryCache#MAX_PATH_ENTRIES} paths.
     */
    private Map<String, HistoryCache.CommitFiles> treeDiffs(List<String> shas) {
        if (shas.isEmpty()) {
            lastReaders = 0;
            return Map.of();
        }
        int parts = (int) Math.max(1, Math.min(readers, shas.size() / (long) commitsPerReader));
        lastReaders = parts;
        java.util.concurrent.atomic.AtomicLong entries = new java.util.concurrent.atomic.AtomicLong();
        List<Map<String, HistoryCache.CommitFiles>> results = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        RuntimeException[] failure = new RuntimeException[parts];
        for (int i = 0; i < parts; i++) {
            List<String> part = shas.subList((int) ((long) shas.size() * i / parts), (int) ((long) shas.size() * (i + 1) / parts));
            Map<String, HistoryCache.CommitFiles> result = new HashMap<>();
            results.add(result);
            int index = i;
            Runnable reader = () -> {
                try {
                    treeDiffs(part, result, entries);
                } catch (RuntimeException e) {
                    failure[index] = e;
                }
            };
            if (i == parts - 1) {
                reader.run();   // the last part on this thread
            } else {
                Thread thread = new Thread(reader, "riskgate-git-diff-tree");
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                threads.forEach(Thread::interrupt);
                Thread.currentThread().interrupt();
                throw new GitException("interrupted while reading the history", e);
            }
        }
        boolean tooMany = false;
        for (RuntimeException e : failure) {
            if (e instanceof TooManyPaths) {
                tooMany = true;
            } else if (e != null) {
                throw e;
            }
        }
        if (tooMany) {
            return null;
        }
        if (results.size() == 1) {
            return results.get(0);
        }
        Map<String, HistoryCache.CommitFiles> all = new HashMap<>(shas.size() * 2);
        results.forEach(all::putAll);
        return all;
    }

    /** One reader: the files of {@code shas} into {@code into}, counting their paths in {@code entries}. */
    private void treeDiffs(List<String> shas, Map<String, HistoryCache.CommitFiles> into, java.util.concurrent.atomic.AtomicLong entries) {
        byte[] input = (String.join("\n", shas) + "\n").getBytes(StandardCharsets.US_ASCII);
        Map<String, String> paths = new HashMap<>();   // each path once in memory, however many commits name it
        repo.git().streamBytes(input, reader -> {
            Entry entry = new Entry(reader);
            while (entry.next()) {
                HistoryCache.CommitFiles files = entry.files(paths);
                into.put(entry.sha, files);
                if (entries.addAndGet(files.size()) > pathLimit) {
                    throw new TooManyPaths();
                }
            }
        }, "diff-tree", "--stdin", "--always", "--root", "--no-color", "-r", "-M", "--name-status", "-z", FORMAT);
    }

    /** The whole pass in git: {@code git log -M --name-status} of the look-back, streamed; kept for the cache when there is one. */
    private Tally fromGit(Change change, long reference, String[] range, HistoryCache cache, List<String> changedPaths,
                          Map<String, HistoryCache.CommitFiles> cached) {
        Tally[] tally = {null};
        Map<String, HistoryCache.CommitFiles> current = cache == null ? null : new LinkedHashMap<>();
        repo.git().streamBytes(reader -> {
            listChangedPaths(change, changedPaths);
            tally[0] = new Tally(change, reference, changedPaths);
            Entry entry = new Entry(reader);
            int kept = 0;
            Map<String, String> paths = new HashMap<>();   // each path once in memory, however many commits name it
            while (entry.next()) {
                HistoryCache.CommitFiles files = entry.files(current == null ? null : paths);
                tally[0].commit(entry.time, entry.email, files.paths(), files.renamedFrom());
                if (current != null && kept + files.size() <= HistoryCache.MAX_PATH_ENTRIES) {
                    current.put(entry.sha, files);
                    kept += files.size();
                }
            }
        }, concat(new String[] {"log", "--no-merges", "--no-color", "-M", "--name-status", "-z", FORMAT}, range));
        if (current != null) {
            tally[0].cacheProblem = cache.write(current, cached);
        }
        return tally[0];
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String joined(String note, String more) {
        return note == null ? more : more == null ? note : note + "; " + more;
    }

    private String note(boolean shallow, int read, Instant oldest) {
        if (shallow) {
            return "shallow clone: history measures from the " + read + " earlier commit" + (read == 1 ? "" : "s") + " it holds"
                    + (oldest == null ? "" : " (since " + oldest.toString().substring(0, 10) + ")")
                    + ", not the full look-back of " + rules.lookBackDays() + " days; fetch more history (git fetch --unshallow) for complete measures";
        }
        if (read >= rules.maxCommits()) {
            return "history measures from the last " + read + " commits" + (oldest == null ? "" : " (since " + oldest.toString().substring(0, 10) + ")")
                    + ": the look-back's limit of " + rules.maxCommits() + " commits was reached before its " + rules.lookBackDays() + " days";
        }
        return null;
    }

    /** Whether a commit subject or the branch name matches a fix pattern. */
    boolean isFix(List<Commit> commits, String branch) {
        List<Pattern> patterns = rules.fixPatterns().stream().map(HistoryRules::compile).toList();
        for (Pattern p : patterns) {
            if (branch != null && p.matcher(branch).find()) {
                return true;
            }
            for (Commit c : commits) {
                if (p.matcher(c.subject()).find()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The branch a head ref names ({@code HEAD} on a branch, a local or remote-tracking branch), or null. */
    private String branchOf(String headRef) {
        if (headRef == null || headRef.isBlank() || headRef.startsWith("-")) {
            return null;
        }
        Git.Result r = repo.git().run("rev-parse", "--symbolic-full-name", headRef);
        String full = r.ok() ? r.stdout().strip() : "";
        if (full.startsWith("refs/heads/")) {
            return full.substring("refs/heads/".length());
        }
        if (full.startsWith("refs/remotes/")) {
            String rest = full.substring("refs/remotes/".length());
            int slash = rest.indexOf('/');
            return slash < 0 ? rest : rest.substring(slash + 1);
        }
        return null;
    }

    /** The subsystem of a path: its top-level directory, or {@code (root)}, as for the change's own subsystems. */
    static String subsystem(String path) {
        int first = path.indexOf('/');
        return first < 0 ? "(root)" : path.substring(0, first);
    }

    /**
     * One commit of {@code git log -z --name-status --format=RS sha FS time FS email}, read in place
     * from git's bytes: only paths and the e-mail are decoded (UTF-8), the rest is parsed as bytes.
     */
    private static final class Entry {
        String sha;
        long time;
        String email;
        final List<String> paths = new ArrayList<>();
        final List<String> renamedFrom = new ArrayList<>();
        private final java.io.InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;
        private byte[] token = new byte[256];
        private int length;
        private boolean started;

        Entry(java.io.InputStream in) {
            this.in = in;
        }

        boolean next() throws IOException {
            paths.clear();
            renamedFrom.clear();
            int c;
            if (!started) {
                while ((c = read()) >= 0 && c != RECORD) {
                    // skip anything before the first record
                }
                if (c < 0) {
                    return false;
                }
                started = true;
            }
            // header: sha FS time FS email NUL
            if (readToken() < 0) {
                return false;
            }
            int first = indexOf(FIELD, 0);
            int second = first < 0 ? -1 : indexOf(FIELD, first + 1);
            if (second < 0) {
                return false;
            }
            sha = new String(token, 0, first, StandardCharsets.US_ASCII);
            time = parseLong(first + 1, second);
            email = new String(token, second + 1, length - second - 1, StandardCharsets.UTF_8).strip().toLowerCase(Locale.ROOT);
            // then: status NUL path NUL [path NUL], until the next record or the end
            while (true) {
                if (readToken() <= 0) {
                    return true;
                }
                byte status = token[0];
                if (readToken() < 0) {
                    return true;
                }
                String path = text();
                if (status == 'R' || status == 'C') {
                    if (readToken() < 0) {
                        return true;
                    }
                    paths.add(text());
                    renamedFrom.add(status == 'R' ? path : null);
                } else {
                    paths.add(path);
                    renamedFrom.add(null);
                }
            }
        }

        /** The files of the commit just read; with {@code interned}, each path as the first commit that named it had it. */
        HistoryCache.CommitFiles files(Map<String, String> interned) {
            String[] p = paths.toArray(new String[0]);
            String[] from = renamedFrom.toArray(new String[0]);
            if (interned != null) {
                for (int i = 0; i < p.length; i++) {
                    p[i] = interned.computeIfAbsent(p[i], k -> k);
                    from[i] = from[i] == null ? null : interned.computeIfAbsent(from[i], k -> k);
                }
            }
            return new HistoryCache.CommitFiles(p, from);
        }

        /** The next byte, or -1 at the end: buffered here, without a lock per byte. */
        private int read() throws IOException {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return -1;
                }
            }
            return buffer[position++] & 0xff;
        }

        private String text() {
            return new String(token, 0, length, StandardCharsets.UTF_8);
        }

        private int indexOf(char b, int from) {
            for (int i = from; i < length; i++) {
                if (token[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        private long parseLong(int from, int to) {
            long v = 0;
            boolean negative = false;
            for (int i = from; i < to; i++) {
                byte b = token[i];
                if (b == '-') {
                    negative = true;
                } else if (b >= '0' && b <= '9') {
                    v = v * 10 + (b - '0');
                }
            }
            return negative ? -v : v;
        }

        /**
         * Reads the next NUL-terminated token into {@code token}, without the newline git puts before
         * the file list; returns its length, 0 at the start of the next record (the record separator
         * is consumed), -1 at the end.
         */
        private int readToken() throws IOException {
            length = 0;
            int c;
            while ((c = read()) >= 0) {
                if (c == 0) {
                    return length;
                }
                if (c == RECORD) {
                    return 0;
                }
                if (c == '\n' && length == 0) {
                    continue;
                }
                if (length == token.length) {
                    token = java.util.Arrays.copyOf(token, length * 2);
                }
                token[length++] = (byte) c;
            }
            return length == 0 ? -1 : length;
        }
    }
}
