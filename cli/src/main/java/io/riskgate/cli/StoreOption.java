package io.riskgate.cli;

import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.RecordStores;
import picocli.CommandLine.Option;

/** {@code --store}: where the change records are. */
final class StoreOption {
    @Option(names = "--store", paramLabel = "PATH|JDBC_URL",
            description = "The record store: a directory (embedded H2) or a jdbc:postgresql:// URL (default: ~/.riskgate/records;"
                    + " user and password from RISKGATE_STORE_USER / RISKGATE_STORE_PASSWORD).")
    String store;

    /** The store to write to: an embedded one is created when it does not exist. */
    ChangeRecordStore open() {
        return RecordStores.open(store);
    }

    /** The store to read from: one that does not exist is an error, not a new empty store. */
    ChangeRecordStore openExisting() {
        return RecordStores.openExisting(store);
    }
}
