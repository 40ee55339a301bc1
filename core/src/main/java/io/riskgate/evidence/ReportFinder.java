package io.riskgate.evidence;

import io.riskgate.risk.PathPattern;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Finds report files by comma-separated Ant-style globs relative to a base directory: {@code **}
 * is zero or more directories, {@code *} stays within one name, and a glob matches from the base
 * directory only. Each walk starts at the glob's longest directory without wildcards and goes no
 * deeper than the glob can reach; globs whose walks nest share one. {@code .git} directories are
 * skipped and links are not followed out of the base directory.
 */
final class ReportFinder {
    private static final int UNLIMITED = Integer.MAX_VALUE;

    /** A glob, where its walk starts (a relative directory, "" for the base) and how deep it may reach from there. */
    private record Glob(PathPattern pattern, String start, int depth) {
        static Glob of(String text) {
            String glob = text.replace('\\', '/').replaceAll("/{2,}", "/");
            while (glob.startsWith("./")) {
                glob = glob.substring(2);
            }
            if (glob.endsWith("/")) {
                glob = glob + "**"; // Ant: a directory stands for everything below it
            }
            if (glob.startsWith("/") || glob.matches("[A-Za-z]:.*")) {
                throw new EvidenceException("test report pattern '" + text + "' is absolute: write it relative to the workspace");
            }
            List<String> segments = List.of(glob.split("/"));
            if (segments.contains("..")) {
                throw new EvidenceException("test report pattern '" + text + "' leaves the workspace (..): write it relative to the workspace");
            }
            PathPattern pattern;
            try {
                pattern = PathPattern.of("/" + glob);
            } catch (IllegalArgumentException e) {
                throw new EvidenceException("invalid test report pattern '" + text + "': " + e.getMessage());
            }
            int literal = 0;
            while (literal < segments.size() - 1 && !hasWildcard(segments.get(literal))) {
                literal++;
            }
            List<String> rest = segments.subList(literal, segments.size());
            int depth = rest.stream().anyMatch(s -> s.contains("**")) ? UNLIMITED : rest.size();
            return new Glob(pattern, String.join("/", segments.subList(0, literal)), depth);
        }

        private static boolean hasWildcard(String segment) {
            return segment.chars().anyMatch(c -> "*?[{".indexOf(c) >= 0);
        }
    }

    /** One walk: where it starts and how deep it goes. */
    private record Walk(String start, int depth) {
        /** Whether {@code dir} is this walk's start or below it; the depth below it, or -1. */
        int depthOf(String dir) {
            if (start.isEmpty()) {
                return dir.isEmpty() ? 0 : (int) dir.chars().filter(c -> c == '/').count() + 1;
            }
            if (dir.equals(start)) {
                return 0;
            }
            return dir.startsWith(start + "/") ? (int) dir.substring(start.length()).chars().filter(c -> c == '/').count() : -1;
        }
    }

    private ReportFinder() {
    }

    /** The matching files as paths relative to {@code baseDir} ({@code /}-separated), sorted; at least one. */
    static List<String> find(Path baseDir, String patterns) {
        List<String> found = findIfAny(baseDir, patterns);
        if (found.isEmpty()) {
            throw new EvidenceException("no test reports match '" + patterns.strip() + "' in " + baseDir + ": check the path, or that the tests ran");
        }
        return found;
    }

    /** The matching files as paths relative to {@code baseDir} ({@code /}-separated), sorted; possibly none. */
    static List<String> findIfAny(Path baseDir, String patterns) {
        List<Glob> globs = globs(patterns, baseDir);
        Path base = baseDir.toAbsolutePath().normalize();
        Path realBase;
        try {
            realBase = base.toRealPath();
        } catch (IOException e) {
            realBase = null;
        }
        if (realBase == null || !Files.isDirectory(realBase)) {
            throw new EvidenceException("test report directory " + baseDir + " does not exist or is not a directory: check the path");
        }
        SortedSet<String> found = new TreeSet<>();
        for (Walk walk : walks(globs)) {
            walk(base, realBase, walk, globs, found);
        }
        return List.copyOf(found);
    }

    private static List<Glob> globs(String patterns, Path baseDir) {
        List<Glob> globs = new ArrayList<>();
        for (String part : split(patterns == null ? "" : patterns)) {
            globs.add(Glob.of(part));
        }
        if (globs.isEmpty()) {
            throw new EvidenceException("no test report pattern given for " + baseDir + ": name the reports, e.g. '**/target/surefire-reports/*.xml'");
        }
        return globs;
    }

    /** Splits at the commas that are not inside {@code {a,b}} alternatives; drops blank parts. */
    static List<String> split(String patterns) {
        List<String> parts = new ArrayList<>();
        int braces = 0;
        int from = 0;
        for (int i = 0; i < patterns.length(); i++) {
            char c = patterns.charAt(i);
            if (c == '{') {
                braces++;
            } else if (c == '}' && braces > 0) {
                braces--;
            } else if (c == ',' && braces == 0) {
                parts.add(patterns.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(patterns.substring(from));
        return parts.stream().map(String::strip).filter(p -> !p.isEmpty()).toList();
    }

    /** The fewest walks that cover every glob: a glob whose start lies inside another walk's start joins that walk. */
    private static List<Walk> walks(List<Glob> globs) {
        List<Glob> byStart = new ArrayList<>(globs);
        byStart.sort((a, b) -> Integer.compare(a.start().length(), b.start().length()));
        List<Walk> walks = new ArrayList<>();
        for (Glob glob : byStart) {
            boolean joined = false;
            for (int i = 0; i < walks.size() && !joined; i++) {
                Walk walk = walks.get(i);
                int below = walk.depthOf(glob.start());
                if (below >= 0) {
                    long depth = glob.depth() == UNLIMITED ? UNLIMITED : (long) below + glob.depth();
                    walks.set(i, new Walk(walk.start(), (int) Math.min(UNLIMITED, Math.max(walk.depth(), depth))));
                    joined = true;
                }
            }
            if (!joined) {
                walks.add(new Walk(glob.start(), glob.depth()));
            }
        }
        return walks;
    }

    private static void walk(Path base, Path realBase, Walk walk, List<Glob> globs, SortedSet<String> found) {
        if (List.of(walk.start().split("/")).contains(".git")) {
            return;
        }
        Path start = base.resolve(walk.start());
        if (!inside(start, realBase) || !Files.isDirectory(start)) {
            return; // missing, or a link out of the base directory
        }
        try {
            Files.walkFileTree(start, EnumSet.noneOf(FileVisitOption.class), walk.depth(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(start) && dir.getFileName().toString().equals(".git") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
                        String relative = relative(base, file);
                        if (matches(globs, relative) && (attrs.isRegularFile() || (inside(file, realBase) && Files.isRegularFile(file)))) {
                            found.add(relative);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable: not a report we can use, and not one we may guess about
                }
            });
        } catch (IOException e) {
            throw new EvidenceException("cannot look for test reports in " + start + ": " + e.getMessage(), e);
        }
    }

    private static boolean matches(List<Glob> globs, String relative) {
        for (Glob glob : globs) {
            if (glob.pattern().matches(relative)) {
                return true;
            }
        }
        return false;
    }

    private static String relative(Path base, Path file) {
        Path rel = base.relativize(file);
        StringBuilder s = new StringBuilder();
        for (Path name : rel) {
            s.append(s.length() == 0 ? "" : "/").append(name);
        }
        return s.toString();
    }

    /** Whether the path, links resolved, is inside the base directory. */
    private static boolean inside(Path path, Path realBase) {
        try {
            return path.toRealPath().startsWith(realBase);
        } catch (IOException e) {
            return false;
        }
    }
}
