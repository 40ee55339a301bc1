package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
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
    void aStoreOfTheSecondSchemaVersionIsMigratedAndItsRecordsKeepWorking() throws Exception {
        store.close();
        String url = "jdbc:h2:file:" + dir.resolve("old/records").toAbsolutePath();
        try (var c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE riskgate_schema (version INTEGER NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)");
            for (String script : SchemaMigrations.SCRIPTS.subList(0, 2)) {
                try (var in = SchemaMigrations.class.getResourceAsStream("migrations/" + script)) {
                    for (String sql : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split(";")) {
                        String statement = sql.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + "\n" + b).strip();
                        if (!statement.isEmpty()) {
                            s.execute(statement);
                        }
                    }
                }
            }
            s.execute("INSERT INTO riskgate_schema VALUES (1, 0), (2, 0)");
            s.execute("INSERT INTO change_record (id, pipeline, environment, commit_sha, started_at, finished_at, outcome, risk_score,"
                    + " lines_added, recorded_at) VALUES ('old', 'shop', 'production', 'abc', 1000, 2000, 'FAILED', 30, 12, 0)");
        }
        try (ChangeRecordStore migrated = RecordStores.open(dir.resolve("old").toString())) {
            ChangeRecord old = migrated.find("old").orElseThrow();
            assertThat(old.riskScore()).isEqualTo(30);
            assertThat(old.metrics().linesAdded()).isEqualTo(12);
            assertThat(old.metrics().developers()).isNull();
            assertThat(old.metrics().fix()).isNull();
            assertThat(migrated.dora(RecordQuery.ALL).deployments()).as("the migration counted the record in the aggregates").isEqualTo(1);
            assertThat(((JdbcChangeRecordStore) migrated).dayRows()).isEqualTo(Recomputed.dayRows(List.of(old)));
        }
        try (var c = DriverManager.getConnection(url); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT MAX(version) FROM riskgate_schema")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(SchemaMigrations.LATEST);
        }
        try (var c = DriverManager.getConnection(url); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'CHANGE_RECORD'"
                     + " AND INDEX_NAME LIKE 'CHANGE_RECORD_%' ORDER BY INDEX_NAME")) {
            List<String> indexes = new java.util.ArrayList<>();
            while (rs.next()) {
                indexes.add(rs.getString(1));
            }
            assertThat(indexes).as("version 7 dropped the outcome index that version 1 made")
                    .contains("CHANGE_RECORD_PIPELINE_ENV_FINISHED").doesNotContain("CHANGE_RECORD_RESTORE");
        }
    }

    @Test
    void unsupportedUrlsSayWhatIsSupported() {
        assertThatThrownBy(() -> RecordStores.open("jdbc:mysql://localhost/x"))
                .isInstanceOf(RecordStoreException.class).hasMessageContaining("use a directory (embedded H2), a jdbc:postgresql:// URL");
    }
}
