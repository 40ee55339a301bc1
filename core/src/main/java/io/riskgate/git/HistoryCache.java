package io.riskgate.git;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files each earlier commit of a repository changed, as the history pass reads them ({@code git
 * log --no-merges -M --name-status}: each commit against its parent), kept between assessments so
 * that the next one asks git only for the commits it has not read before. A commit's id names its
 * content and its parent, so an entry never goes stale; entries are only dropped to bound the file.
 *
 * <p>One file per repository in the cache directory (per remote, shared by its clones, or per
 * common git directory for a repository without a remote): the system property
 * {@code riskgate.cache.dir}, else the environment variable {@code RISKGATE_CACHE_DIR}, else {@code
 * $XDG_CACHE_HOME/riskgate}, else {@code ~/.cache/riskgate}; {@code off} as either of the first two
 * turns the cache off. The directory is created readable by its owner only. A file that cannot be
 * read as written here (another version, cut short, changed) is ignored and written again; a
 * directory that cannot be written leaves the assessment as it is without a cache. Writes go to a
 * temporary file moved into place, so concurrent assessments never read half a file.
 */
final class HistoryCache {
    private static final int MAGIC = 0x52474843;   // "RGHC"
    private static final int VERSION = 1;
    /** Files larger than this are not read (the entries below keep a file well under it). */
    static final long MAX_FILE_BYTES = 256L << 20;
    /**
     * At most this many path entries (over all commits) are kept, about 8 MB of references beside the
     * distinct paths: the look-back's newest commits up to it, the older ones left to git.
     */
    static final int MAX_PATH_ENTRIES = 1_000_000;
    /** Entries of commits outside the look-back just read are kept up to this many (another branch, a longer look-back). */
    static final int MAX_OTHER_COMMITS = 20_000;

    /** The files one commit changed: {@code renamedFrom[i]} is the old path of {@code paths[i]} when git saw a rename, else null. */
    record CommitFiles(String[] paths, String[] renamedFrom) {
        int size() {
            return paths.length;
        }
    }

    private final Path file;

    private HistoryCache(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** A cache in {@code file}. */
    static HistoryCache at(Path file) {
        return new HistoryCache(file);
    }

    /** The cache of the repository whose common git directory is {@code gitCommonDir}, or null when the cache is off. */
    static HistoryCache of(Path gitCommonDir) {
        return gitCommonDir == null ? null : named("dir:" + gitCommonDir.toAbsolutePath().normalize());
    }

    /**
     * The cache shared by the clones of the remote at {@code url}, or null when the cache is off. A
     * commit's files are the same in every clone that has the commit, so clones may share entries;
     * the URL is only hashed (it may hold credentials).
     */
    static HistoryCache forRemote(String url) {
        return named("remote:" + remoteName(url));
    }

    /**
     * The repository a remote URL names, the same for its spellings: without scheme, user, password
     * and port, scp-like {@code host:path} as {@code host/path}, the host in lower case, without a
     * trailing {@code /} or {@code .git} ({@code https://token@github.com/org/shop.git}, {@code
     * git@github.com:org/shop} and {@code ssh://git@github.com:22/org/shop.git/} are all {@code
     * github.com/org/shop}). Clones that share a name share a cache; that two repositories could share
     * one is harmless, since a commit id names the same files in every repository that has it.
     */
    static String remoteName(String url) {
        String u = url.strip();
        boolean scheme = false;
        int colonSlashes = u.indexOf("://");
        if (colonSlashes > 0 && u.substring(0, colonSlashes).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            u = u.substring(colonSlashes + 3);
            scheme = true;
        }
        int slash = u.indexOf('/');
        int at = u.lastIndexOf('@', slash < 0 ? u.length() - 1 : slash);
        if (at >= 0) {
            u = u.substring(at + 1);
        }
        slash = u.indexOf('/');
        int colon = u.indexOf(':');
        String host;
        String path;
        if (colon >= 0 && (slash < 0 || colon < slash)) {
            host = u.substring(0, colon);
            path = u.substring(colon + 1);
            if (scheme) {
                path = path.replaceFirst("^\\d*", "");   // a port
            }
        } else if (slash >= 0) {
            host = u.substring(0, slash);
            path = u.substring(slash);
        } else {
            host = u;
            path = "";
        }
        path = path.replaceAll("^/+", "").replaceAll("/+$", "");
        if (path.endsWith(".git")) {
            path = path.substring(0, path.length() - 4);
        }
        path = path.replaceAll("/+$", "");
        host = host.toLowerCase(java.util.Locale.ROOT);
        return host.isEmpty() ? "/" + path : host + "/" + path;
    }

    private static HistoryCache named(String name) {
        Path dir = directory();
        if (dir == null) {
            return null;
        }
        String key;
        try {
            key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
        return new HistoryCache(dir.resolve("history-" + key + ".bin"));
    }

    /** The cache directory as configured, or null when the cache is off. */
    static Path directory() {
        String configured = System.getProperty("riskgate.cache.dir");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("RISKGATE_CACHE_DIR");
        }
        if (configured != null && !configured.isBlank()) {
            return configured.strip().equalsIgnoreCase("off") ? null : Path.of(configured.strip());
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "riskgate");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() ? null : Path.of(home, ".cache", "riskgate");
    }

    /** The entries of the file, by commit id; empty when there is none or it is not one this version wrote. */
    Map<String, CommitFiles> read() {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES) {
                return new HashMap<>();
            }
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                return read(in);
            }
        } catch (IOException | RuntimeException e) {
            return new HashMap<>();
        }
    }

    private static Map<String, CommitFiles> read(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC || in.readInt() != VERSION) {
            return new HashMap<>();
        }
        int pathCount = in.readInt();
        if (pathCount < 0 || pathCount > MAX_PATH_ENTRIES) {
            throw new IOException("path count " + pathCount);
        }
        String[] pathTable = new String[pathCount];
        for (int i = 0; i < pathCount; i++) {
            pathTable[i] = in.readUTF();
        }
        int commits = in.readInt();
        if (commits < 0 || commits > MAX_PATH_ENTRIES) {
            throw new IOException("commit count " + commits);
        }
        Map<String, CommitFiles> entries = new HashMap<>(commits * 2);
        int total = 0;
        for (int c = 0; c < commits; c++) {
            String sha = in.readUTF();
            int n = in.readInt();
            total += n;
            if (n < 0 || total > MAX_PATH_ENTRIES) {
                throw new IOException("entry count " + n);
            }
            String[] paths = new String[n];
            String[] from = new String[n];
            for (int i = 0; i < n; i++) {
                paths[i] = pathTable[in.readInt()];
                int f = in.readInt();
                from[i] = f < 0 ? null : pathTable[f];
            }
            entries.put(sha, new CommitFiles(paths, from));
        }
        if (in.read() != -1) {
            throw new IOException("trailing bytes");
        }
        return entries;
    }

    /**
     * Writes {@code current} (the look-back just read, newest first) and, after it, as many of {@code
     * earlier}'s other entries as the bounds allow; replaces the file at once. A failure never fails
     * the assessment (the cache only saves time): it is returned in words, for the history note.
     *
     * @return null when the file was written, else why not
     */
    String write(Map<String, CommitFiles> current, Map<String, CommitFiles> earlier) {
        Map<String, CommitFiles> kept = new LinkedHashMap<>();
        int total = 0;
        for (Map.Entry<String, CommitFiles> e : current.entrySet()) {
            if (total + e.getValue().size() > MAX_PATH_ENTRIES) {
                break;
            }
            kept.put(e.getKey(), e.getValue());
            total += e.getValue().size();
        }
        int others = 0;
        for (Map.Entry<String, CommitFiles> e : earlier.entrySet()) {
            if (others >= MAX_OTHER_COMMITS || total + e.getValue().size() > MAX_PATH_ENTRIES) {
                break;
            }
            if (kept.putIfAbsent(e.getKey(), e.getValue()) == null) {
                others++;
                total += e.getValue().size();
            }
        }
        Path tmp = null;
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                createPrivateDirectories(dir);
            }
            tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (OutputStream raw = Files.newOutputStream(tmp);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
                write(out, kept);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            return null;
        } catch (IOException | RuntimeException e) {
            // no cache this time: the next assessment reads the history from git again
            return "the history cache was not written (" + problem(e) + "): the next assessment reads the history from git"
                    + " again; RISKGATE_CACHE_DIR names a writable directory for it, or off turns it off";
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary file in the cache directory is all that is left
                }
            }
        }
    }

    /** What went wrong, in a few words: the kind of failure and the file it was about, bounded. */
    private static String problem(Exception e) {
        String text;
        if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            text = "not a directory: " + f.getFile();   // a file where the directory, or one above it, would be
        } else if (e instanceof java.nio.file.AccessDeniedException f) {
            text = "permission denied: " + f.getFile();
        } else if (e instanceof java.nio.file.FileSystemException f) {
            String reason = f.getReason() == null || f.getReason().isEmpty() ? "cannot write"
                    : Character.toLowerCase(f.getReason().charAt(0)) + f.getReason().substring(1);   // the system's words
            text = reason + (f.getFile() == null ? "" : ": " + f.getFile());
        } else {
            text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static void write(DataOutputStream out, Map<String, CommitFiles> entries) throws IOException {
        Map<String, Integer> index = new HashMap<>();
        List<String> table = new ArrayList<>();
        for (CommitFiles f : entries.values()) {
            for (int i = 0; i < f.size(); i++) {
                intern(f.paths()[i], index, table);
                if (f.renamedFrom()[i] != null) {
                    intern(f.renamedFrom()[i], index, table);
                }
            }
        }
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(table.size());
        for (String p : table) {
            out.writeUTF(p);
        }
        out.writeInt(entries.size());
        for (Map.Entry<String, CommitFiles> e : entries.entrySet()) {
            out.writeUTF(e.getKey());
            CommitFiles f = e.getValue();
            out.writeInt(f.size());
            for (int i = 0; i < f.size(); i++) {
                out.writeInt(index.get(f.paths()[i]));
                out.writeInt(f.renamedFrom()[i] == null ? -1 : index.get(f.renamedFrom()[i]));
            }
        }
    }

    private static void intern(String path, Map<String, Integer> index, List<String> table) {
        index.computeIfAbsent(path, p -> {
            if (p.getBytes(StandardCharsets.UTF_8).length > 65_535) {
                throw new IllegalArgumentException("a path too long to keep");   // writeUTF's limit: no cache this time
            }
            table.add(p);
            return table.size() - 1;
        });
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }
}
