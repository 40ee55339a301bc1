package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(named = "RISKGATE_TEST_POSTGRES_URL", matches = "jdbc:postgresql:.*")
class PostgresStoreProcessesTest extends StoreProcessesContract {
    @Override
    String emptyStore() {
        String url = PostgresTestDatabase.reset();
        return url;
    }

    @Test
    void twentyProcessesStartedAtOnceOnAnEmptyDatabaseStoreTwentyRecords() throws Exception {
        String store = emptyStore();
        List<Process> writers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            writers.add(StoreProcesses.java(store, "w" + i, "1").start());
        }
        List<String> errors = new ArrayList<>();
        for (Process p : writers) {
            StoreProcesses.Result r = StoreProcesses.await(p, 120);
            if (r.exit() != 0) {
                errors.add(r.err().strip());
            }
        }
        assertThat(errors).as("errors of 20 concurrent writers").isEmpty();
        try (ChangeRecordStore s = RecordStores.open(store)) {
            assertThat(s.count(RecordQuery.ALL)).isEqualTo(20);
        }
    }
}
