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
    /** The scripts, in order; script N brings the schema to version N. */
    static final List<String> SCRIPTS = List.of("V1__change_records.sql", "V2__restore_order_index.sql",
            "V3__history_measures.sql");

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
            return SCRIPTS.size();
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
            return migrateLocked(c, location);
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
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM riskgate_schema")) {
            rs.next();
            return rs.getInt(1) == SCRIPTS.size();
        }
    }

    private static int migrateLocked(Connection c, String location) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            int version = currentVersion(c);
            if (version > SCRIPTS.size()) {
                throw new RecordStoreException("the record store " + location + " has schema version " + version
                        + ", newer than this riskgate supports (" + SCRIPTS.size() + "): upgrade riskgate");
            }
            for (int v = version + 1; v <= SCRIPTS.size(); v++) {
                apply(c, v, read(SCRIPTS.get(v - 1)));
            }
            return SCRIPTS.size();
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static void apply(Connection c, int version, String script) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : script.split(";")) {
                String sql = statement.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + "\n" + b).strip();
                if (!sql.isEmpty()) {
                    s.execute(sql);
                }
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
