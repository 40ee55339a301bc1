package io.riskgate.records;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Records that could not be written yet, kept as files until the store takes them: a write that
 * fails is spooled, never dropped, and {@link #flush} retries. Each record is one CSV file named by
 * its id, written atomically, so a crash leaves either the whole record or none.
 */
public final class RecordSpool {
    private final Path directory;

    public RecordSpool(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** Keeps a record for a later {@link #flush}. */
    public synchronized void spool(ChangeRecord record) throws IOException {
        Files.createDirectories(directory);
        StringWriter csv = new StringWriter();
        ChangeRecordCsv.write(List.of(record), csv);
        String name = record.id().replaceAll("[^A-Za-z0-9._-]", "_") + ".csv";
        Path tmp = Files.createTempFile(directory, ".spool", ".tmp");
        Files.writeString(tmp, csv.toString(), StandardCharsets.UTF_8);
        try {
            Files.move(tmp, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** How many records wait. */
    public synchronized int pending() throws IOException {
        return files().size();
    }

    /** Where spooled records go when the spool is flushed. */
    @FunctionalInterface
    public interface Delivery {
        /** Takes all the records, or throws and takes none. */
        void deliver(List<ChangeRecord> records) throws IOException;
    }

    /**
     * Writes every spooled record to {@code store} in one transaction and removes their files; if
     * the store fails, nothing is removed and the exception tells why. Returns how many were written.
     */
    public synchronized int flush(ChangeRecordStore store) throws IOException {
        return flush(records -> store.saveAll(records));
    }

    /** Hands every spooled record to {@code delivery} and removes their files once it took them all. */
    public synchronized int flush(Delivery delivery) throws IOException {
        List<Path> files = files();
        if (files.isEmpty()) {
            return 0;
        }
        List<ChangeRecord> records = new ArrayList<>();
        for (Path f : files) {
            try (Reader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                ChangeRecordCsv.read(in, f.toString(), records::add, false);
            }
        }
        delivery.deliver(records);
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
        return records.size();
    }

    private List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(directory, "*.csv")) {
            s.forEach(files::add);
        }
        files.sort(null);
        return files;
    }
}
