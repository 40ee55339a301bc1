package io.riskgate.cli;

import io.riskgate.DiskException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * Standard output that does not hide write errors: a PrintWriter swallows them, so every command
 * checks its output once it is written (and while it streams), and a full disk, a device error or
 * a closed pipe ends the command with {@link ExitCodes#RETRY} and one line, not exit 0.
 */
final class Output {
    /** The cause of the last write error of the process's standard output, for the message. */
    private static volatile String lastError;

    private Output() {
    }

    /** The process's standard output, remembering why a write failed. */
    static OutputStream stdout(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    lastError = e.getMessage();
                    throw e;
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } catch (IOException e) {
                    lastError = e.getMessage();
                    throw e;
                }
            }
        };
    }

    /** Throws when anything written to {@code out} so far was lost. */
    static void check(PrintWriter out) {
        if (out.checkError()) {
            String cause = lastError == null ? "write error" : lastError.toLowerCase(java.util.Locale.ROOT);
            throw new DiskException("cannot write the output to standard output: " + cause
                    + ": the output is incomplete; free space or fix where it goes, then retry");
        }
    }
}
