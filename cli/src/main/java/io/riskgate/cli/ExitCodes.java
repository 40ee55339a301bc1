package io.riskgate.cli;

/** The exit codes every riskgate command shares (see docs/cli.md). */
final class ExitCodes {
    static final int OK = 0;
    static final int INTERNAL_ERROR = 1;
    static final int BAD_INPUT = 2;
    /** assess: the score is above --fail-above; gate: BLOCK. */
    static final int ABOVE_THRESHOLD = 3;
    /** gate: NEEDS_APPROVAL. */
    static final int NEEDS_APPROVAL = 4;
    /**
     * Nothing wrong with the input, but the record store is busy, unreachable or full, or a disk
     * or output error stopped the command: retrying later may succeed.
     */
    static final int RETRY = 5;

    private ExitCodes() {
    }
}
