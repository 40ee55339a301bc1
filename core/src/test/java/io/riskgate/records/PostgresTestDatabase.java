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

    /**
     * Drops every table of the test database (all schema versions), and returns its URL. Retried a few
     * times: the sessions of writer processes a test killed may still hold locks for a moment.
     */
    static String reset() {
        String url = url();
        for (int attempt = 1; ; attempt++) {
            try (var c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA public CASCADE");
                s.execute("CREATE SCHEMA public");
                return url;
            } catch (java.sql.SQLException e) {
                if (attempt == 5) {
                    throw new IllegalStateException("cannot reset the test database at " + url, e);
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }
}
