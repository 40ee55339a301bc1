package io.riskgate.risk;

/**
 * A gitignore-style glob over repository paths ({@code /}-separated, relative to the top level).
 * <ul>
 *   <li>{@code *} matches within one path segment, {@code ?} one character, {@code [abc]} a class,
 *       {@code {a,b}} alternatives;</li>
 *   <li>{@code **} matches across segments: {@code **}{@code /x} finds {@code x} at any depth,
 *       {@code x/**} everything below {@code x};</li>
 *   <li>a pattern without a {@code /} matches the file name at any depth ({@code pom.xml});</li>
 *   <li>a pattern that ends with {@code /} matches everything below such a directory;</li>
 *   <li>a leading {@code /} anchors the pattern at the repository root.</li>
 * </ul>
 */
public final class PathPattern {
    private final String glob;
    private final boolean nameOnly;
    private final String literalName;
    private final GlobProgram program;

    private PathPattern(String glob, boolean nameOnly, String literalName, GlobProgram program) {
        this.glob = glob;
        this.nameOnly = nameOnly;
        this.literalName = literalName;
        this.program = program;
    }

    /** Compiles a glob; throws {@link IllegalArgumentException} with the reason when it is malformed. */
    public static PathPattern of(String glob) {
        if (glob == null || glob.isBlank()) {
            throw new IllegalArgumentException("empty path pattern");
        }
        String g = glob.strip();
        if (g.startsWith("/")) {
            g = g.substring(1);
        } else if (!g.substring(0, g.length() - 1).contains("/")) {
            if (!g.endsWith("/") && !g.contains("**")) {
                // a file-name pattern: matched against the name alone, which is much cheaper than the path
                boolean literal = g.chars().noneMatch(c -> "*?[{".indexOf(c) >= 0);
                return new PathPattern(glob.strip(), true, literal ? g : null, GlobProgram.compile(g, glob));
            }
            g = "**/" + g;
        }
        if (g.endsWith("/")) {
            g = g + "**";
        }
        return new PathPattern(glob.strip(), false, null, GlobProgram.compile(g, glob));
    }

    /** Whether the path matches, in time linear in the path's length for any glob. */
    public boolean matches(String path) {
        String subject = nameOnly ? nameOf(path) : path;
        // the literal part is a cheap filter: a subject without it cannot match
        return subject.contains(program.literal()) && program.matches(subject);
    }

    /** The automaton's work for one match: state visits, or -1 for no match. */
    int steps(String path) {
        return program.run(nameOnly ? nameOf(path) : path);
    }

    static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The exact file name this pattern stands for, or null if it has wildcards or a path. */
    String literalName() {
        return literalName;
    }

    public String glob() {
        return glob;
    }

    @Override
    public String toString() {
        return glob;
    }
}
