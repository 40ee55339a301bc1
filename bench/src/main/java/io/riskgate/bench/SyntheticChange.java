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
        try {
            Files.createDirectories(dir);
            git(dir, "init", "-q", "-b", "main");
            git(dir, "config", "user.name", "Bench");
            git(dir, "config", "user.email", "bench@example.com");
            git(dir, "config", "commit.gpgsign", "false");
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
