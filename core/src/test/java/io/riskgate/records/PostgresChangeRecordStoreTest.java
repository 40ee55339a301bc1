package io.riskgate.records;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The store contract against a real PostgreSQL server; .ci/run starts one and sets RISKGATE_TEST_POSTGRES_URL. */
@EnabledIfEnvironmentVariable(named = "RISKGATE_TEST_POSTGRES_URL", matches = "jdbc:postgresql:.*")
class PostgresChangeRecordStoreTest extends ChangeRecordStoreContract {
    @Override
    ChangeRecordStore open() {
        String url = PostgresTestDatabase.reset();
        return RecordStores.open(url);
    }
}
