package io.riskgate.git;

/** Receives a diff as it streams from git, file by file and line by line. */
public interface DiffListener {
    /** A new file starts; its line counts are zero until lines arrive. */
    void fileStarted(FileDiff file);

    /** A line added at {@code lineNumber} (1-based, in the head version) of the current file. */
    void addedLine(FileDiff file, int lineNumber, String text);

    /**
     * A line deleted at {@code lineNumber} (1-based, in the baseline version) of the current file;
     * called only when {@link #wantsDeletedLines()} says so.
     */
    default void deletedLine(FileDiff file, int lineNumber, String text) {
    }

    /** Whether deleted lines' text is wanted; when not, they are only counted (which saves work on large diffs). */
    default boolean wantsDeletedLines() {
        return false;
    }

    /** The current file is complete: its counts are final. */
    void fileFinished(FileDiff file);
}
