package io.riskgate.records;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps processes from opening an embedded store while one compacts its file. H2 rewrites the file
 * for {@code SHUTDOWN COMPACT} after it has stopped serving it, so another process could open the old
 * file meanwhile and read it half replaced, or write to a file about to be replaced. Every connection
 * to an embedded store is made holding a shared lock on {@value #FILE} in the store's directory (only
 * while it connects); a compaction holds it exclusively from its check that no other process is
 * connected until the new file is in place. Within one JVM the lock is taken by one thread at a time
 * (the operating system's lock belongs to the whole process).
 */
final class OpenGuard {
    static final String FILE = "records.open.lock";
    private static final ConcurrentHashMap<Path, Object> IN_THIS_JVM = new ConcurrentHashMap<>();
    /** How long one connection attempt waits for a compaction before it counts as busy (the store's wait retries it). */
    private static final long ATTEMPT_MILLIS = 1000;

    @FunctionalInterface
    interface Action<T> {
        T run() throws SQLException;
    }

    private OpenGuard() {
    }

    /** Runs {@code connect} unless another process compacts the store; busy ({@link SQLTransientException}) after about a second. */
    static <T> T connecting(Path directory, Action<T> connect) throws SQLException {
        return hold(directory, true, ATTEMPT_MILLIS, connect);
    }

    /** Runs {@code compact} while no process can connect to the store; busy if connections go on for {@code waitMillis}. */
    static <T> T exclusively(Path directory, long waitMillis, Action<T> compact) throws SQLException {
        return hold(directory, false, waitMillis, compact);
    }

    private static <T> T hold(Path directory, boolean shared, long waitMillis, Action<T> action) throws SQLException {
        Path file = directory.toAbsolutePath().normalize().resolve(FILE);
        synchronized (IN_THIS_JVM.computeIfAbsent(file, k -> new Object())) {
            FileChannel opened;
            try {
                opened = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (IOException e) {
                if (!shared) {
                    throw new SQLException("cannot lock " + file + ": " + e.getMessage(), "42000", e);
                }
                try {
                    opened = FileChannel.open(file, StandardOpenOption.READ);
                } catch (IOException again) {
                    // a directory this user cannot write to: no process of this user compacts it either
                    return action.run();
                }
            }
            try (FileChannel channel = opened) {
                long deadline = System.nanoTime() + waitMillis * 1_000_000;
                FileLock lock;
                while ((lock = tryLock(channel, shared)) == null) {
                    if (System.nanoTime() > deadline) {
                        throw new SQLTransientException(shared ? "another process is compacting the record store's file"
                                : "other processes kept connecting to the record store", "40001");
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SQLException("interrupted while waiting for the record store", "57014", e);
                    }
                }
                try {
                    return action.run();
                } finally {
                    try {
                        lock.release();
                    } catch (IOException ignored) {
                        // closing the channel releases it
                    }
                }
            } catch (IOException e) {
                throw new SQLException("cannot lock " + file + ": " + e.getMessage(), "58030", e);
            }
        }
    }

    private static FileLock tryLock(FileChannel channel, boolean shared) throws IOException {
        try {
            return channel.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException e) {
            // held by this JVM through another channel (not through this class): wait as for another process
            return null;
        }
    }
}
