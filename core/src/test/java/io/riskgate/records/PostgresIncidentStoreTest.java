package io.riskgate.records;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The incident contract against a real PostgreSQL server; .ci/run starts one and sets RISKGATE_TEST_POSTGRES_URL. */
@EnabledIfEnvironmentVariable(named = "RISKGATE_TEST_POSTGRES_URL", matches = "jdbc:postgresql:.*")
class PostgresIncidentStoreTest extends IncidentStoreContract {
    @Override
    ChangeRecordStore open() {
        return RecordStores.open(PostgresTestDatabase.reset());
    }
}
