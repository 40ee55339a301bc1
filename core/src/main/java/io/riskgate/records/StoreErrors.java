package io.riskgate.records;

import io.riskgate.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/** What a database error means for the user: wait and retry, retry later, or fix the input; in one line with its cause. */
final class StoreErrors {
    enum Kind {
        /** Another process holds the store, a lock is taken, the connection broke: waiting may succeed. */
        BUSY,
        /** The disk is full or failed, the server is out of resources: retrying later may succeed. */
        UNAVAILABLE,
        /** The store's name, credentials or permissions are wrong: fix the command or the setup. */
        INPUT
    }

    /** H2's error codes for a store that another session or process holds, or a connection that broke. */
    private static final Set<Integer> H2_BUSY = Set.of(90020, 90135, 50200, 40001, 90131, 90067, 90098, 90121);
    /** PostgreSQL's SQL states for the same: serialization and deadlock, lock not available, shutting down, too many connections. */
    private static final Set<String> PG_BUSY = Set.of("40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300");

    private StoreErrors() {
    }

    static Kind kind(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = messages(e).toLowerCase(Locale.ROOT);
        if (message.contains("permission denied") || message.contains("access denied") || message.contains("read-only")
                || message.contains("read only") || state.startsWith("28") || state.equals("3D000")) {
            return Kind.INPUT;
        }
        if (message.contains("no space left") || message.contains("disk full") || state.equals("53100") || state.equals("58030")
                || e.getErrorCode() == 90028 || e.getErrorCode() == 90031) {
            return Kind.UNAVAILABLE;
        }
        if (H2_BUSY.contains(e.getErrorCode()) && isH2(e) || PG_BUSY.contains(state) || state.startsWith("08")
                || e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return Kind.BUSY;
        }
        return Kind.INPUT;
    }

    private static boolean isH2(SQLException e) {
        return e.getClass().getName().startsWith("org.h2.") || e.getMessage() != null && e.getMessage().matches("(?s).*\\[\\d{5}-\\d+]$");
    }

    /** The exception to throw: one line naming the store, the cause and what to do. */
    static RecordStoreException failure(String action, boolean write, String location, Path directory, Duration wait, Kind kind,
                                        SQLException e) {
        String cause = firstLine(e);
        String waited = " (waited " + wait.toSeconds() + " s)";
        switch (kind) {
            case BUSY -> {
                if (directory != null && (e.getErrorCode() == 90020 || e.getErrorCode() == 90067 || e.getErrorCode() == 90135
                        || cause.toLowerCase(Locale.ROOT).contains("lock file"))) {
                    return new RecordStoreUnavailableException(holder(directory, e.getErrorCode()) + waited, e);
                }
                return new RecordStoreUnavailableException("cannot " + action + " the record store " + location + ": it stayed busy or"
                        + " unreachable" + waited + ": " + cause + ": check that it runs and is reachable, then retry", e);
            }
            case UNAVAILABLE -> {
                return new RecordStoreUnavailableException("cannot " + action + " the record store " + location + ": "
                        + (cause.toLowerCase(Locale.ROOT).contains("no space") || "53100".equals(e.getSQLState()) ? "the disk is full (" + cause + ")" : cause)
                        + ": free space or fix the disk, then retry", e);
            }
            default -> {
                return new RecordStoreException("cannot " + action + " the record store " + location + ": " + cause
                        + (cause.toLowerCase(Locale.ROOT).contains("permission denied") || cause.toLowerCase(Locale.ROOT).contains("read-only")
                        ? (write ? ": make it writable for this user" : ": make it readable for this user") : ""), e);
            }
        }
    }

    /** Who holds an embedded store, from its lock file: the process serving it, or one that does not share it. */
    static String holder(Path directory, int code) {
        Path lock = directory.resolve("records.lock.db");
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(lock, StandardCharsets.ISO_8859_1)) {
            p.load(in);
        } catch (IOException e) {
            // no readable lock file: the holder is named by what is known
        }
        String server = p.getProperty("server");
        if (server != null) {
            return "the record store " + directory + " is held by the process serving it at " + server + " (named in " + lock
                    + "), which does not answer: find that process (a Jenkins controller or a riskgate command) and let it finish,"
                    + " or stop it, then retry";
        }
        if (code == 90135) {
            return "the record store " + directory + " stayed locked by another process updating its schema: retry when it is done";
        }
        return "the record store " + directory + " is held by another process that does not share it (" + lock
                + "; an older riskgate or Jenkins plugin, or another H2 tool): stop or upgrade that process, then retry";
    }

    static String firstLine(Throwable e) {
        String m = e == null || e.getMessage() == null ? String.valueOf(e) : e.getMessage();
        String line = m.lines().findFirst().orElse(m).strip();
        if (e != null && e.getCause() instanceof IOException io) {
            line = line + " (" + AtomicFiles.cause(io) + ")";
        }
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null && all.length() < 10_000; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
            if (t instanceof SQLException s && s.getNextException() != null && s.getNextException() != t) {
                all.append(s.getNextException().getMessage()).append('\n');
            }
        }
        return all.toString();
    }
}
