package io.riskgate.records;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2StoreProcessesTest extends StoreProcessesContract {
    @TempDir
    Path dir;

    @Override
    String emptyStore() {
        return dir.resolve("store").toString();
    }
}
