package io.riskgate.git;

/**
 * One file of a diff as it streams past: its paths, status, whether it is binary, and the lines
 * counted so far (final once {@link DiffListener#fileFinished} is called).
 */
public final class FileDiff {
    private final String path;
    private final String oldPath;
    private final FileStatus status;
    private final boolean binary;
    private final int similarity;
    int linesAdded;
    int linesDeleted;

    public FileDiff(String path, String oldPath, FileStatus status, boolean binary, int similarity) {
        this.path = path;
        this.oldPath = oldPath;
        this.status = status;
        this.binary = binary;
        this.similarity = similarity;
    }

    /** The path at head (for a deleted file, the path it had). */
    public String path() {
        return path;
    }

    /** The path at the baseline: differs from {@link #path()} for renames and copies. */
    public String oldPath() {
        return oldPath;
    }

    public FileStatus status() {
        return status;
    }

    public boolean binary() {
        return binary;
    }

    /** Rename/copy similarity in percent, 0 when not a rename or copy. */
    public int similarity() {
        return similarity;
    }

    public int linesAdded() {
        return linesAdded;
    }

    public int linesDeleted() {
        return linesDeleted;
    }

    /** A rename (or copy) without any edit: moves content, changes no line. */
    public boolean pureRename() {
        return (status == FileStatus.RENAMED || status == FileStatus.COPIED)
                && linesAdded == 0 && linesDeleted == 0 && !binary;
    }

    @Override
    public String toString() {
        return status + " " + (oldPath.equals(path) ? path : oldPath + " -> " + path)
                + (binary ? " (binary)" : " +" + linesAdded + " -" + linesDeleted);
    }
}
