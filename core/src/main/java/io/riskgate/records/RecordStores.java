package io.riskgate.records;

import java.nio.file.Path;
import java.time.Duration;

/** Opens the record store a user names: a directory (embedded H2) or a JDBC URL; by default {@code ~/.riskgate/records}. */
public final class RecordStores {
    /** The environment variable that sets how many seconds to wait for a busy or unreachable store (default 30). */
    public static final String WAIT_VARIABLE = "RISKGATE_STORE_WAIT";

    private RecordStores() {
    }

    public static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".riskgate", "records");
    }

    /**
     * Opens a store to write to, creating an embedded one that does not exist yet.
     *
     * @param spec null or blank for the default; a {@code jdbc:} URL (user and password from
     *             {@code RISKGATE_STORE_USER} / {@code RISKGATE_STORE_PASSWORD} when not in the URL); else a directory
     */
    public static ChangeRecordStore open(String spec) {
        return open(spec, true);
    }

    /** Opens a store that must exist: an embedded store that does not exist is an error, not a new empty store. */
    public static ChangeRecordStore openExisting(String spec) {
        return open(spec, false);
    }

    private static ChangeRecordStore open(String spec, boolean create) {
        Duration wait = waitFromEnvironment();
        if (spec != null && spec.startsWith("jdbc:")) {
            return JdbcChangeRecordStore.connect(spec, System.getenv("RISKGATE_STORE_USER"), System.getenv("RISKGATE_STORE_PASSWORD"), wait);
        }
        Path directory = spec == null || spec.isBlank() ? defaultDirectory() : Path.of(spec);
        return JdbcChangeRecordStore.embedded(directory, create, wait);
    }

    /** {@value #WAIT_VARIABLE} seconds, or {@link JdbcChangeRecordStore#DEFAULT_WAIT}. */
    public static Duration waitFromEnvironment() {
        return waitOf(System.getenv(WAIT_VARIABLE), WAIT_VARIABLE);
    }

    /**
     * How long to wait for a busy or unreachable store, from a setting's value ({@code name} names the
     * setting in the error): a number of seconds from 0 to 86400, or {@link JdbcChangeRecordStore#DEFAULT_WAIT}
     * when unset or blank; anything else is refused.
     */
    public static Duration waitOf(String v, String name) {
        if (v == null || v.isBlank()) {
            return JdbcChangeRecordStore.DEFAULT_WAIT;
        }
        try {
            long seconds = Long.parseLong(v.strip());
            if (seconds >= 0 && seconds <= 86_400) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RecordStoreException(name + " must be a number of seconds from 0 to 86400 (got '" + v + "')");
    }
}
