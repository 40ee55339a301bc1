package io.riskgate.records;

import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The store contract against a real PostgreSQL server; .ci/run starts one and sets RISKGATE_TEST_POSTGRES_URL. */
@EnabledIfEnvironmentVariable(named = "RISKGATE_TEST_POSTGRES_URL", matches = "jdbc:postgresql:.*")
class PostgresChangeRecordStoreTest extends ChangeRecordStoreContract {
    @Override
    ChangeRecordStore open() {
        String url = System.getenv("RISKGATE_TEST_POSTGRES_URL");
        try (var c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS incident");
            s.execute("DROP TABLE IF EXISTS deployment_review");
            s.execute("DROP TABLE IF EXISTS change_record");
            s.execute("DROP TABLE IF EXISTS riskgate_schema");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot reset the test database at " + url, e);
        }
        return RecordStores.open(url);
    }
}
