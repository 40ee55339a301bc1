package io.riskgate.cli;

import java.io.PrintWriter;

/** On a terminal, one progress line on stderr, rewritten in place and cleared at the end; nothing in pipes and CI logs. */
final class TerminalProgress {
    private final PrintWriter err;
    private int width;

    private TerminalProgress(PrintWriter err) {
        this.err = err;
    }

    /** A progress line on {@code err}, or null when the process has no terminal. */
    static TerminalProgress forStream(PrintWriter err) {
        return System.console() == null ? null : new TerminalProgress(err);
    }

    void show(String line) {
        width = Math.max(width, line.length());
        err.print("\r" + line);
        err.flush();
    }

    void clear() {
        if (width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
        }
    }
}
