package io.riskgate.git;

/** How a file changed between the baseline and head. */
public enum FileStatus {
    ADDED, MODIFIED, DELETED, RENAMED, COPIED
}
