package io.riskgate.cli;

/** The exit codes every riskgate command shares (see docs/cli.md). */
final class ExitCodes {
    static final int OK = 0;
    static final int INTERNAL_ERROR = 1;
    static final int BAD_INPUT = 2;
    static final int ABOVE_THRESHOLD = 3;

    private ExitCodes() {
    }
}
