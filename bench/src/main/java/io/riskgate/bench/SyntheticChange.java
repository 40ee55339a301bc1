package io.riskgate.bench;

import io.riskgate.testing.TestRepo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A large synthetic change in a real git repository: {@code files} source files of 150 lines in
 * 40 top-level areas, then a head commit that edits every third line of each, adds 5% new files,
 * deletes 2.5%, and adds migrations, infrastructure, manifests and feature-flagged code.
 */
final class SyntheticChange {
    static final int LINES_PER_FILE = 150;

    final Path dir;
    final String base;
    final String head;

    private SyntheticChange(Path dir, String base, String head) {
        this.dir = dir;
        this.base = base;
        this.head = head;
    }

    static SyntheticChange create(Path dir, int files) {
        return create(dir, files, 0);
    }

    /**
     * The change, with {@code history} earlier commits before its baseline: the files added in one
     * commit, then {@code history} commits by 50 authors over the last 300 days, each changing one to
     * three of the files (written with {@code git fast-import}).
     */
    static SyntheticChange create(Path dir, int files, int history) {
        try {
            Files.createDirectories(dir);
            git(dir, "init", "-q", "-b", "main");
            git(dir, "config", "user.name", "Bench");
            git(dir, "config", "user.email", "bench@example.com");
            git(dir, "config", "commit.gpgsign", "false");
            if (history > 0) {
                importHistory(dir, files, history);
                git(dir, "reset", "-q", "--hard", "main");
            }
            for (int i = 0; i < files; i++) {
                write(dir.resolve(path(i)), source(i, 0));
            }
            git(dir, "add", "-A");
            git(dir, "commit", "-q", "-m", "base");
            String base = git(dir, "rev-parse", "HEAD").strip();
            for (int i = 0; i < files; i++) {
                if (i % 40 == 7) {
                    Files.delete(dir.resolve(path(i)));
                } else {
                    write(dir.resolve(path(i)), source(i, 1));
                }
            }
            for (int i = files; i < files + files / 20; i++) {
                write(dir.resolve(path(i)), source(i, 1));
            }
            for (int i = 0; i < 20; i++) {
                write(dir.resolve("service/src/main/resources/db/migration/V" + (i + 2) + "__change.sql"),
                        i % 5 == 0 ? "ALTER TABLE t" + i + " DROP COLUMN legacy;\n" : "ALTER TABLE t" + i + " ADD COLUMN c int;\n");
            }
            write(dir.resolve("infra/main.tf"), "resource \"aws_s3_bucket\" \"b\" {}\n");
            write(dir.resolve("pom.xml"), "<project><version>2.0</version></project>\n");
            git(dir, "add", "-A");
            git(dir, "commit", "-q", "-m", "head");
            return new SyntheticChange(dir, base, git(dir, "rev-parse", "HEAD").strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void importHistory(Path dir, int files, int history) throws IOException {
        Process p = new ProcessBuilder("git", "fast-import", "--quiet").directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long now = System.currentTimeMillis() / 1000;
        long start = now - 300 * 86_400L;
        try (var out = new java.io.BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
            StringBuilder first = new StringBuilder();
            first.append("commit refs/heads/main\n").append("author Bench <bench@example.com> ").append(start).append(" +0000\n")
                    .append("committer Bench <bench@example.com> ").append(start).append(" +0000\n").append(data("initial"));
            out.write(first.toString().getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < files; i++) {
                out.write(("M 100644 inline " + path(i) + "\n" + data(source(i, 0))).getBytes(StandardCharsets.UTF_8));
            }
            java.util.Random random = new java.util.Random(1);
            for (int k = 1; k <= history; k++) {
                long t = start + (long) k * (300 * 86_400L - 3600) / history;
                int author = random.nextInt(50);
                StringBuilder c = new StringBuilder();
                c.append("commit refs/heads/main\n").append("author Dev").append(author).append(" <dev").append(author)
                        .append("@example.com> ").append(t).append(" +0000\n").append("committer Dev").append(author).append(" <dev")
                        .append(author).append("@example.com> ").append(t).append(" +0000\n").append(data("change " + k));
                int touched = 1 + random.nextInt(3);
                for (int f = 0; f < touched; f++) {
                    int i = random.nextInt(files);
                    c.append("M 100644 inline ").append(path(i)).append('\n').append(data(source(i, 0) + "// revision " + k + "\n"));
                }
                out.write(c.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException("git fast-import failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String data(String text) {
        return "data " + text.getBytes(StandardCharsets.UTF_8).length + "\n" + text + "\n";
    }

    private static String path(int i) {
        return "area" + (i % 40) + "/module" + (i / 40 % 10) + "/src/main/java/pkg/File" + i + ".java";
    }

    private static String source(int file, int version) {
        StringBuilder sb = new StringBuilder(LINES_PER_FILE * 48);
        for (int line = 0; line < LINES_PER_FILE; line++) {
            if (version == 1 && line % 3 == 0) {
                sb.append(line == 3 && file % 50 == 0 ? "    if (flags.isFeatureEnabled(\"f" + file + "\")) { run(); }" : "    edited(" + file + ", " + line + ");");
            } else {
                sb.append("    statement(").append(file).append(", ").append(line).append(");");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static String git(Path dir, String... args) {
        return TestRepo.runGit(dir, Map.of(), args);
    }

    /** Bytes of output of a git command, streamed and discarded. */
    static long gitOutputBytes(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long total = 0;
            byte[] buffer = new byte[1 << 16];
            try (var in = p.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    total += n;
                }
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed");
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
