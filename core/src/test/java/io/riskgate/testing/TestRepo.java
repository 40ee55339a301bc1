package io.riskgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real git repository in a temporary directory, driven through the git command line. */
public final class TestRepo {
    private final Path dir;
    private long clock = 1_700_000_000L;

    private TestRepo(Path dir) {
        this.dir = dir;
    }

    /** Creates a repository with branch main in {@code dir}. */
    public static TestRepo init(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestRepo repo = new TestRepo(dir);
        repo.git("init", "-q", "-b", "main");
        repo.git("config", "user.name", "Alice Example");
        repo.git("config", "user.email", "alice@example.com");
        repo.git("config", "commit.gpgsign", "false");
        return repo;
    }

    public Path dir() {
        return dir;
    }

    public TestRepo write(String path, String content) {
        try {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestRepo writeBytes(String path, byte[] content) {
        try {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code count} numbered lines ({@code prefix 1} ...). */
    public TestRepo lines(String path, String prefix, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            sb.append(prefix).append(' ').append(i).append('\n');
        }
        return write(path, sb.toString());
    }

    public TestRepo delete(String path) {
        git("rm", "-q", "--", path);
        return this;
    }

    public TestRepo move(String from, String to) {
        try {
            Files.createDirectories(dir.resolve(to).getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git("mv", "--", from, to);
        return this;
    }

    /** Commits everything as the default author; returns the commit id. */
    public String commit(String message) {
        return commitAs("Alice Example", "alice@example.com", message);
    }

    public String commitAs(String name, String email, String message) {
        git("add", "-A");
        clock += 3600;
        String date = clock + " +0000";
        run(Map.of("GIT_AUTHOR_NAME", name, "GIT_AUTHOR_EMAIL", email, "GIT_AUTHOR_DATE", date,
                "GIT_COMMITTER_NAME", name, "GIT_COMMITTER_EMAIL", email, "GIT_COMMITTER_DATE", date),
                "commit", "-q", "--allow-empty", "--no-verify", "-m", message);
        return head();
    }

    public String head() {
        return git("rev-parse", "HEAD").strip();
    }

    public TestRepo checkout(String... args) {
        List<String> all = new ArrayList<>(List.of("checkout", "-q"));
        all.addAll(List.of(args));
        git(all.toArray(String[]::new));
        return this;
    }

    public String merge(String branch, String message) {
        clock += 3600;
        String date = clock + " +0000";
        run(Map.of("GIT_AUTHOR_DATE", date, "GIT_COMMITTER_DATE", date), "merge", "-q", "--no-ff", "--no-edit", "-m", message, branch);
        return head();
    }

    /** Runs git in the repository and returns stdout; fails the test if git fails. */
    public String git(String... args) {
        return run(Map.of(), args);
    }

    private String run(Map<String, String> env, String... args) {
        return runGit(dir, env, args);
    }

    /** Runs git in any directory (for clones) and returns stdout; fails if git fails. */
    public static String runGit(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
