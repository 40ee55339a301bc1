package io.riskgate.git;

/** Receives a diff as it streams from git, file by file and line by line. */
public interface DiffListener {
    /** A new file starts; its line counts are zero until lines arrive. */
    void fileStarted(FileDiff file);

    /** A line added at {@code lineNumber} (1-based, in the head version) of the current file. */
    void addedLine(FileDiff file, int lineNumber, String text);

    /** A line deleted at {@code lineNumber} (1-based, in the baseline version) of the current file. */
    default void deletedLine(FileDiff file, int lineNumber, String text) {
    }

    /** The current file is complete: its counts are final. */
    void fileFinished(FileDiff file);
}
