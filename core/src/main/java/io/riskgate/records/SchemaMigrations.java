package io.riskgate.records;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Brings a database's schema up to date: the numbered scripts under {@code migrations/} are applied
 * in order, each in its own transaction, and recorded in {@code riskgate_schema}. A database newer
 * than this version of the product is refused rather than written to.
 */
final class SchemaMigrations {
    /** The scripts, in order; script N brings the schema to version N. */
    static final List<String> SCRIPTS = List.of("V1__change_records.sql", "V2__restore_order_index.sql");

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

    /** Applies the missing scripts; returns the version reached. */
    static int migrate(Connection c, String location) throws SQLException {
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
