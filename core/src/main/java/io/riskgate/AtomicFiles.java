package io.riskgate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file whole or not at all: into a temporary file beside it, then moved over the target.
 * A full disk or a failed device leaves the previous file (or none), never a half-written one.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Writes {@code text} as UTF-8 to {@code file}.
     *
     * @param what names the file in errors ("--save-model model.json")
     * @throws DiskException when the disk fails (full, device error): retrying may succeed
     * @throws RiskGateException when the path cannot be a file (a directory, a missing or read-only directory)
     */
    public static void write(Path file, String text, String what) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (Files.isDirectory(target)) {
            throw new RiskGateException("cannot write " + what + ": " + file + " is a directory: name a file");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new RiskGateException("cannot write " + what + ": the directory " + (dir == null ? file : dir)
                    + " does not exist: create it or name another file");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw failure(what, file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file is hidden and named after the target; the error above is what matters
                }
            }
        }
    }

    /** An I/O error in one line with its cause: bad input for a wrong path or permissions, else a disk error. */
    public static RiskGateException failure(String what, Path file, IOException e) {
        String cause = cause(e);
        String reason = cause.toLowerCase(java.util.Locale.ROOT);
        if (e instanceof AccessDeniedException || e instanceof NoSuchFileException || e instanceof NotDirectoryException
                || e instanceof FileAlreadyExistsException || reason.startsWith("not a directory") || reason.startsWith("is a directory")
                || reason.startsWith("permission denied") || reason.startsWith("read-only file system")) {
            return new RiskGateException("cannot write " + what + " (" + file + "): " + cause);
        }
        return new DiskException("cannot write " + what + " (" + file + "): " + cause + ": free space or fix the disk, then retry");
    }

    /** The reason of an I/O error in words: "permission denied", "no space left on device", not just a path. */
    public static String cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AccessDeniedException a) {
                return "permission denied" + (a.getFile() == null ? "" : " on " + a.getFile());
            }
            if (t instanceof NoSuchFileException n) {
                return "no such file or directory" + (n.getFile() == null ? "" : ": " + n.getFile());
            }
            if (t instanceof NotDirectoryException n) {
                return "not a directory: " + n.getFile();
            }
            if (t instanceof FileAlreadyExistsException f) {
                return "a file is in the way: " + f.getFile();
            }
            if (t instanceof FileSystemException f && f.getReason() != null) {
                return f.getReason().toLowerCase(java.util.Locale.ROOT) + (f.getFile() == null ? "" : " (" + f.getFile() + ")");
            }
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m).strip();
    }
}
