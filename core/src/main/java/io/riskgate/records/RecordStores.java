package io.riskgate.records;

import java.nio.file.Path;

/** Opens the record store a user names: a directory (embedded H2) or a JDBC URL; by default {@code ~/.riskgate/records}. */
public final class RecordStores {
    private RecordStores() {
    }

    public static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".riskgate", "records");
    }

    /**
     * @param spec null or blank for the default; a {@code jdbc:} URL (user and password from
     *             {@code RISKGATE_STORE_USER} / {@code RISKGATE_STORE_PASSWORD} when not in the URL); else a directory
     */
    public static ChangeRecordStore open(String spec) {
        if (spec == null || spec.isBlank()) {
            return JdbcChangeRecordStore.embedded(defaultDirectory());
        }
        if (spec.startsWith("jdbc:")) {
            return JdbcChangeRecordStore.connect(spec, System.getenv("RISKGATE_STORE_USER"), System.getenv("RISKGATE_STORE_PASSWORD"));
        }
        return JdbcChangeRecordStore.embedded(Path.of(spec));
    }
}
