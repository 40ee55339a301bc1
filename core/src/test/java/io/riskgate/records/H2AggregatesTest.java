package io.riskgate.records;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2AggregatesTest extends AggregatesContract {
    @TempDir
    Path dir;
    private int stores;
    private Path current;

    @Override
    JdbcChangeRecordStore open() {
        current = dir.resolve("store" + stores++);
        return JdbcChangeRecordStore.embedded(current);
    }

    @Override
    JdbcChangeRecordStore reopen() {
        return JdbcChangeRecordStore.embedded(current);
    }

    @Override
    String url() {
        return "jdbc:h2:file:" + current.toAbsolutePath().resolve("records") + JdbcChangeRecordStore.H2_SETTINGS;
    }
}
