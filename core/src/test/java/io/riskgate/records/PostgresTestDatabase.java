package io.riskgate.records;

import java.sql.DriverManager;
import java.sql.Statement;

/** The PostgreSQL server of the tests (.ci/postgres.sh): its URL, and a way to empty it. */
final class PostgresTestDatabase {
    private PostgresTestDatabase() {
    }

    static String url() {
        return System.getenv("RISKGATE_TEST_POSTGRES_URL");
    }

    /** Drops every table of the test database (all schema versions), and returns its URL. */
    static String reset() {
        String url = url();
        try (var c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot reset the test database at " + url, e);
        }
        return url;
    }
}
