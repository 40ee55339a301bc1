package io.riskgate.records;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(named = "RISKGATE_TEST_POSTGRES_URL", matches = "jdbc:postgresql:.*")
class PostgresAggregatesTest extends AggregatesContract {
    @Override
    JdbcChangeRecordStore open() {
        return JdbcChangeRecordStore.connect(PostgresTestDatabase.reset(), null, null);
    }

    @Override
    JdbcChangeRecordStore reopen() {
        return JdbcChangeRecordStore.connect(PostgresTestDatabase.url(), null, null);
    }

    @Override
    String url() {
        return PostgresTestDatabase.url();
    }
}
