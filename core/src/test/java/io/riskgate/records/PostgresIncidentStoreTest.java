package io.riskgate.records;

import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The incident contract against a real PostgreSQL server; .ci/run starts one and sets RISKGATE_TEST_POSTGRES_URL. */
@EnabledIfEnvironmentVariable(named = "RISKGATE_TEST_POSTGRES_URL", matches = "jdbc:postgresql:.*")
class PostgresIncidentStoreTest extends IncidentStoreContract {
    @Override
    ChangeRecordStore open() {
        String url = System.getenv("RISKGATE_TEST_POSTGRES_URL");
        try (var c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : new String[] {"incident", "deployment_review", "change_record", "riskgate_schema"}) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot reset the test database at " + url, e);
        }
        return RecordStores.open(url);
    }
}
