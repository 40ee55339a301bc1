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

    private ExitCodes() {
    }
}
