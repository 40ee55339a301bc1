package io.riskgate.git;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the git command line in one directory. Output is read as UTF-8; git's own configuration
 * that would change its output format (colours, quoting, external diff drivers, prefixes) is
 * overridden so that parsing does not depend on the user's settings.
 */
public final class Git {
    private static final List<String> NEUTRAL_CONFIG = List.of(
            "-c", "core.quotepath=off",
            "-c", "color.ui=never",
            "-c", "diff.noprefix=false",
            "-c", "diff.mnemonicprefix=false",
            "-c", "diff.relative=false",
            "-c", "log.showsignature=false",
            "-c", "log.showroot=true");

    private final Path directory;
    private final String executable;

    public Git(Path directory) {
        this(directory, System.getenv().getOrDefault("RISKGATE_GIT", "git"));
    }

    public Git(Path directory, String executable) {
        this.directory = directory;
        this.executable = executable;
    }

    public Path directory() {
        return directory;
    }

    /** The result of a git command that ran to completion. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The first line of stderr without git's "fatal: " prefix, for error messages. */
        public String firstErrorLine() {
            for (String line : stderr.split("\n")) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty()) {
                    return trimmed.replaceFirst("^(fatal|error): ", "");
                }
            }
            return "git exited with code " + exitCode;
        }
    }

    /** Runs git and collects its output; the exit code is left to the caller. */
    public Result run(String... args) {
        Process process = start(false, args);
        StreamDrain stderr = StreamDrain.start(process.getErrorStream());
        try (InputStream in = process.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int code = process.waitFor();
            return new Result(code, out, stderr.text());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the output of git " + String.join(" ", args), e);
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new GitException("interrupted while running git " + String.join(" ", args), e);
        }
    }

    /** A line-by-line consumer of a streamed git command. */
    @FunctionalInterface
    public interface LineConsumer {
        void accept(BufferedReader reader) throws IOException;
    }

    /** A consumer of the raw bytes of a streamed git command. */
    @FunctionalInterface
    public interface ByteConsumer {
        void accept(java.io.InputStream in) throws IOException;
    }

    /**
     * Like {@link #stream(LineConsumer, String...)}, but hands the output as bytes (buffered), for
     * parsers that decode only the parts they keep.
     */
    public void streamBytes(ByteConsumer consumer, String... args) {
        streamBytes(null, consumer, args);
    }

    /**
     * Like {@link #streamBytes(ByteConsumer, String...)}, with {@code input} written to git's
     * standard input (on its own thread, so that git's output never waits for it), or none when null.
     */
    public void streamBytes(byte[] input, ByteConsumer consumer, String... args) {
        Process process = start(input != null, args);
        if (input != null) {
            Thread writer = new Thread(() -> {
                try (java.io.OutputStream out = process.getOutputStream()) {
                    out.write(input);
                } catch (IOException ignored) {
                    // git exited early: its exit code and error say why
                }
            }, "git-stdin");
            writer.setDaemon(true);
            writer.start();
        }
        StreamDrain stderr = StreamDrain.start(process.getErrorStream());
        try (java.io.InputStream in = new java.io.BufferedInputStream(process.getInputStream(), 1 << 16)) {
            consumer.accept(in);
            byte[] sink = new byte[8192];
            while (in.read(sink) >= 0) {
                // discard what the consumer did not read so that git can exit
            }
            int code = process.waitFor();
            if (code != 0) {
                throw new GitException("git " + args[0] + " failed in " + directory + ": "
                        + new Result(code, "", stderr.text()).firstErrorLine());
            }
        } catch (IOException e) {
            process.destroy();
            throw new UncheckedIOException("reading the output of git " + String.join(" ", args), e);
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new GitException("interrupted while running git " + String.join(" ", args), e);
        } catch (RuntimeException e) {
            process.destroy();
            throw e;
        }
    }

    /**
     * Runs git and hands its standard output to {@code consumer} as a stream, so that output of any
     * size is processed in constant memory. Fails with the first line of git's error if git fails.
     */
    public void stream(LineConsumer consumer, String... args) {
        // what the reader leaves unread, buffered or not, streamBytes drains so that git can exit
        streamBytes(in -> consumer.accept(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)), args);
    }

    private Process start(boolean input, String... args) {
        List<String> command = new ArrayList<>(NEUTRAL_CONFIG.size() + args.length + 1);
        command.add(executable);
        command.addAll(NEUTRAL_CONFIG);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        Map<String, String> env = builder.environment();
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("LC_ALL", "C");
        env.put("GIT_PAGER", "cat");
        env.remove("GIT_DIR");
        env.remove("GIT_WORK_TREE");
        env.remove("GIT_EXTERNAL_DIFF");
        try {
            Process process = builder.start();
            if (!input) {
                process.getOutputStream().close();
            }
            return process;
        } catch (IOException e) {
            throw new GitException("git is not installed or not on the PATH (" + executable
                    + "): install git and retry", e);
        }
    }

    /** Reads a stream on a background thread so that a chatty stderr never blocks the process. */
    private static final class StreamDrain implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final Thread thread;

        private StreamDrain(InputStream in) {
            this.in = in;
            this.thread = new Thread(this, "git-stderr");
            this.thread.setDaemon(true);
        }

        static StreamDrain start(InputStream in) {
            StreamDrain drain = new StreamDrain(in);
            drain.thread.start();
            return drain;
        }

        @Override
        public void run() {
            byte[] chunk = new byte[4096];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (buffer) {
                        if (buffer.size() < 1 << 20) {
                            buffer.write(chunk, 0, n);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended; what was read is kept
            }
        }

        String text() throws InterruptedException {
            thread.join(10_000);
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
