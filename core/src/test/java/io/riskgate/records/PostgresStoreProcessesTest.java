package io.riskgate.records;

import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(named = "RISKGATE_TEST_POSTGRES_URL", matches = "jdbc:postgresql:.*")
class PostgresStoreProcessesTest extends StoreProcessesContract {
    @Override
    String emptyStore() {
        String url = System.getenv("RISKGATE_TEST_POSTGRES_URL");
        try (var c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS change_record");
            s.execute("DROP TABLE IF EXISTS riskgate_schema");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot reset the test database at " + url, e);
        }
        return url;
    }
}
