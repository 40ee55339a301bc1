package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2ChangeRecordStoreTest extends ChangeRecordStoreContract {
    @TempDir
    Path dir;

    @Override
    ChangeRecordStore open() {
        return RecordStores.open(dir.resolve("store").toString());
    }

    @Test
    void recordsSurviveReopeningTheFile() {
        store.saveAll(history());
        store.close();
        try (ChangeRecordStore again = open()) {
            assertThat(again.count(RecordQuery.ALL)).isEqualTo(7);
        }
        assertThat(dir.resolve("store/records.mv.db")).exists();
    }

    @Test
    void aNewerSchemaIsRefusedNotWritten() throws Exception {
        store.close();
        String url = "jdbc:h2:file:" + dir.resolve("store/records").toAbsolutePath();
        try (var c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO riskgate_schema (version, applied_at) VALUES (99, 0)");
        }
        assertThatThrownBy(this::open).isInstanceOf(RecordStoreException.class).hasMessageContaining("schema version 99")
                .hasMessageContaining("upgrade riskgate");
    }

    @Test
    void unsupportedUrlsSayWhatIsSupported() {
        assertThatThrownBy(() -> RecordStores.open("jdbc:mysql://localhost/x"))
                .isInstanceOf(RecordStoreException.class).hasMessageContaining("use a directory (embedded H2), a jdbc:postgresql:// URL");
    }
}
