package io.riskgate.git;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A git repository read through the git command line: resolves refs, lists the commits of a change
 * and streams its diff. Every failure a user can fix becomes a {@link GitException} with one line that
 * names the input and the fix.
 */
public final class GitRepository {
    private static final char FIELD = 0x1f;
    private static final char RECORD = 0x1e;

    private final Git git;
    private final Path topLevel;
    private final boolean shallow;
    private final Path commonDir;

    private GitRepository(Git git, Path topLevel, boolean shallow, Path commonDir) {
        this.git = git;
        this.topLevel = topLevel;
        this.shallow = shallow;
        this.commonDir = commonDir;
    }

    /** Opens the repository that contains {@code directory}. */
    public static GitRepository open(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new GitException("repository directory " + directory + " does not exist: pass an existing checkout with --repo");
        }
        Git git = new Git(dir);
        Git.Result result = git.run("rev-parse", "--show-toplevel", "--is-shallow-repository", "--git-common-dir");
        if (!result.ok()) {
            String reason = result.firstErrorLine();
            if (reason.contains("dubious ownership")) {
                throw new GitException(dir + " is owned by another user and git refuses it: run"
                        + " 'git config --global --add safe.directory " + dir + "' and retry");
            }
            if (reason.contains("not a git repository")) {
                throw new GitException(dir + " is not a git repository: run inside a clone or pass the clone's directory with --repo");
            }
            throw new GitException("cannot read git repository " + dir + ": " + reason);
        }
        String[] lines = result.stdout().split("\n");
        Path common = lines.length > 2 && !lines[2].isBlank() ? dir.resolve(lines[2].strip()).normalize() : null;
        return new GitRepository(git, Path.of(lines[0].strip()), lines.length > 1 && lines[1].strip().equals("true"), common);
    }

    public Path topLevel() {
        return topLevel;
    }

    /** Whether the repository was a shallow clone when it was opened. */
    public boolean isShallow() {
        return shallow;
    }

    /**
     * The cache of this repository's history between assessments ({@link HistoryCache}), or null when
     * it is off: shared by the clones of one remote (its {@code origin}, else its first remote) on
     * this machine, such as the workspaces of a job's branches, else this clone's own.
     */
    HistoryCache historyCache() {
        if (HistoryCache.directory() == null || replacesObjects()) {
            return null;
        }
        Git.Result remotes = git.run("config", "--get-regexp", "^remote\\..*\\.url$");
        String url = null;
        for (String line : remotes.ok() ? remotes.stdout().split("\n") : new String[0]) {
            int space = line.indexOf(' ');
            if (space > 0 && (url == null || line.startsWith("remote.origin.url "))) {
                url = line.substring(space + 1).strip();
            }
        }
        return url == null || url.isEmpty() ? HistoryCache.of(commonDir) : HistoryCache.forRemote(url);
    }

    /**
     * Whether git may see other parents than the commits name (replace refs, grafts): then a commit's
     * files depend on the repository, and the cache, which clones share, is not used.
     */
    private boolean replacesObjects() {
        if (commonDir == null || Files.exists(commonDir.resolve("info/grafts"))) {
            return true;
        }
        // git reads its own refs, loose, packed or in a reftable
        Git.Result replace = git.run("for-each-ref", "--count=1", "--format=%(refname)", "refs/replace/");
        return !replace.ok() || !replace.stdout().isBlank();
    }

    /** Resolves a ref (branch, tag, sha, {@code HEAD~3}) to a full commit id, or empty if there is no such commit. */
    public Optional<String> resolve(String ref) {
        if (!safeRef(ref)) {
            return Optional.empty();
        }
        Git.Result result = git.run("rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}");
        return result.ok() ? Optional.of(result.stdout().strip()) : Optional.empty();
    }

    /** The two commits of a change, resolved and checked: {@code baseline} is an ancestor of {@code head}. */
    public record Endpoints(String baseRef, String baseline, String headRef, String head) {
    }

    /**
     * The change from {@code baseRef} to {@code headRef}: both resolved, the baseline checked to be an
     * ancestor of head, and the commits between them listed.
     */
    public Change change(String baseRef, String headRef) {
        Endpoints ends = endpoints(baseRef, headRef);
        return change(ends, commits(ends));
    }

    /** The change for resolved endpoints and their commits (listed separately, e.g. while the diff streams). */
    public Change change(Endpoints ends, List<Commit> commits) {
        return new Change(topLevel, ends.baseRef(), ends.baseline(), ends.headRef(), ends.head(), commits);
    }

    /** Resolves both refs (in one git call when both exist) and checks that the baseline is an ancestor of head. */
    public Endpoints endpoints(String baseRef, String headRef) {
        Endpoints ends = resolveEndpoints(baseRef, headRef);
        checkAncestry(ends);
        return ends;
    }

    /** Resolves both refs (in one git call when both exist), without checking their ancestry. */
    public Endpoints resolveEndpoints(String baseRef, String headRef) {
        String head;
        String baseline;
        Git.Result both = safeRef(baseRef) && safeRef(headRef)
                ? git.run("rev-parse", "--end-of-options", headRef + "^{commit}", baseRef + "^{commit}")
                : new Git.Result(1, "", "");
        // git before 2.43 prints --end-of-options back instead of taking it (it still reads the refs after it as refs)
        String[] shas = java.util.Arrays.stream(both.stdout().strip().split("\\s+")).filter(t -> !t.equals("--end-of-options"))
                .toArray(String[]::new);
        if (both.ok() && shas.length == 2) {
            head = shas[0];
            baseline = shas[1];
        } else {
            head = resolve(headRef).orElseThrow(() -> new GitException(
                    "head '" + headRef + "' is not a commit in " + topLevel + ": check the ref, or fetch it (git fetch origin " + headRef + ")"));
            baseline = resolve(baseRef).orElseThrow(() -> missingBaseline(baseRef));
        }
        return new Endpoints(baseRef, baseline, headRef, head);
    }

    /** Fails unless the baseline is an ancestor of head, with the fix for shallow clones. */
    public void checkAncestry(Endpoints ends) {
        if (!isAncestor(ends.baseline(), ends.head())) {
            if (isShallow()) {
                throw new GitException("baseline '" + ends.baseRef() + "' is not connected to head '" + ends.headRef()
                        + "' in this shallow clone: fetch the full history (git fetch --unshallow) and retry");
            }
            throw new GitException("baseline '" + ends.baseRef() + "' (" + shortSha(ends.baseline()) + ") is not an ancestor of head '"
                    + ends.headRef() + "' (" + shortSha(ends.head()) + "): use a commit that head builds on, e.g. git merge-base "
                    + ends.baseRef() + " " + ends.headRef());
        }
    }

    private static boolean safeRef(String ref) {
        return ref != null && !ref.isBlank() && !ref.startsWith("-");
    }

    private GitException missingBaseline(String baseRef) {
        if (isShallow()) {
            return new GitException("baseline '" + baseRef + "' is not in this shallow clone of " + topLevel
                    + ": fetch the full history (git fetch --unshallow, or clone with depth 0) and retry");
        }
        return new GitException("baseline '" + baseRef + "' is not a commit in " + topLevel
                + ": check the ref, or fetch it (git fetch origin " + baseRef + ")");
    }

    private boolean isAncestor(String ancestor, String descendant) {
        Git.Result result = git.run("merge-base", "--is-ancestor", ancestor, descendant);
        if (result.exitCode() > 1) {
            throw new GitException("cannot compare " + shortSha(ancestor) + " and " + shortSha(descendant) + ": " + result.firstErrorLine());
        }
        return result.ok();
    }

    /** The commits of {@code baseline..head}, newest first. */
    public List<Commit> commits(Endpoints ends) {
        String baseline = ends.baseline();
        String head = ends.head();
        List<Commit> commits = new ArrayList<>();
        String format = "%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%ct%x1f%s%x1e";
        git.stream(reader -> {
            StringBuilder record = new StringBuilder();
            int c;
            while ((c = reader.read()) >= 0) {
                if (c == RECORD) {
                    commits.add(parseCommit(record.toString().strip()));
                    record.setLength(0);
                } else {
                    record.append((char) c);
                }
            }
        }, "log", "--no-color", "--format=" + format, baseline + ".." + head, "--");
        return commits;
    }

    private static Commit parseCommit(String record) {
        String[] f = record.split(String.valueOf(FIELD), -1);
        int parents = f[1].isBlank() ? 0 : f[1].strip().split(" ").length;
        return new Commit(f[0], parents, f[2], f[3],
                Instant.ofEpochSecond(Long.parseLong(f[4])), Instant.ofEpochSecond(Long.parseLong(f[5])), f[6]);
    }

    /**
     * Streams the diff between two commits (the net change, so merges are counted once) with rename
     * detection and no context lines.
     */
    public void diff(String baseline, String head, DiffListener listener) {
        UnifiedDiffParser parser = new UnifiedDiffParser(listener);
        git.stream(parser::parse, "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-U0", "-M",
                "--src-prefix=a/", "--dst-prefix=b/", baseline, head, "--");
    }

    /**
     * The paths the change from {@code baseline} to {@code head} touches, without rename detection:
     * a renamed file is listed under its old and its new path.
     */
    public List<String> changedPaths(String baseline, String head) {
        List<String> paths = new ArrayList<>();
        git.stream(reader -> {
            StringBuilder path = new StringBuilder();
            int c;
            while ((c = reader.read()) >= 0) {
                if (c == 0) {
                    paths.add(path.toString());
                    path.setLength(0);
                } else {
                    path.append((char) c);
                }
            }
        }, "diff", "--no-color", "--no-ext-diff", "--name-only", "--no-renames", "-z", baseline, head, "--");
        return paths;
    }

    /** The history and experience measures of a change (one bounded pass over the commits before its baseline). */
    public HistoryMeasures history(Change change, HistoryRules rules) {
        return new ChangeHistory(this, rules).measure(change);
    }

    /** The content of a file at a commit, or empty if it does not exist there. */
    public Optional<String> readFile(String commit, String path) {
        Git.Result result = git.run("show", commit + ":" + path);
        return result.ok() ? Optional.of(result.stdout()) : Optional.empty();
    }

    static String shortSha(String sha) {
        return sha.length() > 10 ? sha.substring(0, 10) : sha;
    }

    /** For callers that need the runner itself (tests, benchmarks). */
    public Git git() {
        return git;
    }

}
