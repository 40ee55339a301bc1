package io.riskgate.records;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2IncidentStoreTest extends IncidentStoreContract {
    @TempDir
    Path dir;

    @Override
    ChangeRecordStore open() {
        return RecordStores.open(dir.resolve("store").toString());
    }
}
