package io.riskgate.records;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.List;

/**
 * Brings a database's schema up to date: the numbered scripts under {@code migrations/} are applied
 * in order, each in its own transaction, and recorded in {@code riskgate_schema}. A database newer
 * than this version of the product is refused rather than written to.
 *
 * <p>Migrations are serialised between processes: on PostgreSQL under a session advisory lock, on
 * H2 in the database's exclusive mode (other sessions wait, new connections are refused and retry).
 * A database already at the current version is not locked at all.
 */
final class SchemaMigrations {
    /**
     * The scripts, in order; script {@code VN__...} brings the schema to version N. Each version is
     * applied once and recorded: a version added between others later is applied then.
     */
    static final List<String> SCRIPTS = List.of("V1__change_records.sql", "V2__restore_order_index.sql",
            "V3__history_measures.sql", "V4__aggregates.sql", "V5__incidents_and_reviews.sql", "V6__verification.sql",
            "V7__restore_index_dropped.sql");
    /** The newest schema version. */
    static final int LATEST = SCRIPTS.stream().mapToInt(SchemaMigrations::version).max().orElse(0);

    /** N of a script named {@code VN__...}. */
    static int version(String script) {
        return Integer.parseInt(script.substring(1, script.indexOf("__")));
    }

    /** The version whose script adds the aggregates, which are then filled from the records in the same transaction. */
    static final int AGGREGATES = 4;

    private SchemaMigrations() {
    }

    static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS riskgate_schema (version INTEGER NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)");
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM riskgate_schema")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** An arbitrary number that names the schema migration among the database's advisory locks. */
    private static final long ADVISORY_LOCK = 0x7269736b67617465L;   // "riskgate"

    /**
     * Applies the missing scripts under the migration lock; returns the version reached.
     *
     * @throws SQLTransientException when another process holds the migration lock (the caller waits and retries)
     */
    static int migrate(Connection c, String location, boolean postgres) throws SQLException {
        if (!postgres && upToDate(c)) {
            return LATEST;
        }
        if (postgres) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + ADVISORY_LOCK + ")")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new SQLTransientException("another process is migrating the schema of the record store " + location, "55P03");
                }
            }
        } else {
            try (Statement s = c.createStatement()) {
                s.execute("SET EXCLUSIVE 1");
            }
        }
        try {
            return migrateLocked(c, location, postgres);
        } finally {
            try (Statement s = c.createStatement()) {
                s.execute(postgres ? "SELECT pg_advisory_unlock(" + ADVISORY_LOCK + ")" : "SET EXCLUSIVE 0");
            }
        }
    }

    /** Whether an H2 database is at the current version already, read without taking any lock or creating anything. */
    private static boolean upToDate(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE UPPER(TABLE_NAME) = 'RISKGATE_SCHEMA'")) {
            rs.next();
            if (rs.getInt(1) == 0) {
                return false;
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM riskgate_schema")) {
            rs.next();
            return rs.getInt(1) == SCRIPTS.size() && rs.getInt(2) == LATEST;
        }
    }

    private static int migrateLocked(Connection c, String location, boolean postgres) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            currentVersion(c);   // creates the table of versions
            java.util.Set<Integer> applied = new java.util.TreeSet<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM riskgate_schema")) {
                while (rs.next()) {
                    applied.add(rs.getInt(1));
                }
            }
            java.util.Set<Integer> known = new java.util.TreeSet<>();
            SCRIPTS.forEach(script -> known.add(version(script)));
            for (int version : applied) {
                if (!known.contains(version)) {
                    throw new RecordStoreException("the record store " + location + " has schema version " + version
                            + ", " + (version > LATEST ? "newer than this riskgate supports (" + LATEST + ")" : "which this riskgate does not know")
                            + ": upgrade riskgate");
                }
            }
            for (String script : SCRIPTS) {
                if (!applied.contains(version(script))) {
                    apply(c, version(script), read(script), postgres);
                }
            }
            return LATEST;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static void apply(Connection c, int version, String script, boolean postgres) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : script.split(";")) {
                String sql = statement.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + "\n" + b).strip();
                if (!sql.isEmpty()) {
                    s.execute(sql);
                }
            }
            if (version == AGGREGATES) {
                new Aggregates(postgres).rebuild(c, done -> { });
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO riskgate_schema (version, applied_at) VALUES (?, ?)")) {
                p.setInt(1, version);
                p.setLong(2, System.currentTimeMillis());
                p.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
    }

    private static String read(String name) {
        try (InputStream in = SchemaMigrations.class.getResourceAsStream("migrations/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing migration " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
