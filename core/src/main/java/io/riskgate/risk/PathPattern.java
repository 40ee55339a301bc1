package io.riskgate.risk;

import java.util.regex.Pattern;

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
    private final String regex;
    private final Pattern compiled;

    private PathPattern(String glob, boolean nameOnly, String literalName, String regex) {
        this.glob = glob;
        this.nameOnly = nameOnly;
        this.literalName = literalName;
        this.regex = regex;
        this.compiled = Pattern.compile(regex);
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
                return new PathPattern(glob.strip(), true, literal ? g : null, toRegex(g, glob));
            }
            g = "**/" + g;
        }
        if (g.endsWith("/")) {
            g = g + "**";
        }
        return new PathPattern(glob.strip(), false, null, toRegex(g, glob));
    }

    public boolean matches(String path) {
        return compiled.matcher(nameOnly ? nameOf(path) : path).matches();
    }

    static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Whether this pattern is matched against the file name alone. */
    boolean nameOnly() {
        return nameOnly;
    }

    /**
     * The longest run of the glob without wildcards, less the slashes at its ends (a {@code **}
     * next to them may match nothing): every matching path contains it.
     */
    String literalPart() {
        String best = "";
        for (String part : glob.split("[*?\\[\\]{},]")) {
            String core = part.replaceAll("^/+|/+$", "");
            if (core.length() > best.length()) {
                best = core;
            }
        }
        return best;
    }

    /** The exact file name this pattern stands for, or null if it has wildcards or a path. */
    String literalName() {
        return literalName;
    }

    public String glob() {
        return glob;
    }

    /** The regular expression this glob stands for (over the name, or the path); used to join many globs into one matcher. */
    String regex() {
        return regex;
    }

    @Override
    public String toString() {
        return glob;
    }

    private static String toRegex(String g, String original) {
        StringBuilder re = new StringBuilder(g.length() * 2);
        int braces = 0;
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            switch (c) {
                case '*' -> {
                    boolean doubleStar = i + 1 < g.length() && g.charAt(i + 1) == '*';
                    if (doubleStar) {
                        boolean atStart = i == 0 || g.charAt(i - 1) == '/';
                        boolean slashAfter = i + 2 < g.length() && g.charAt(i + 2) == '/';
                        boolean atEnd = i + 2 == g.length();
                        if (atStart && slashAfter) {
                            re.append("(?:.*/)?");
                            i += 2;
                        } else if (atEnd && i > 0 && g.charAt(i - 1) == '/') {
                            re.setLength(re.length() - 1);
                            re.append("(?:/.*)?");
                            i += 1;
                        } else {
                            re.append(".*");
                            i += 1;
                        }
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int close = g.indexOf(']', i + 1);
                    if (close < 0) {
                        throw new IllegalArgumentException("unclosed '[' in path pattern '" + original + "'");
                    }
                    String body = g.substring(i + 1, close);
                    if (body.startsWith("!")) {
                        body = "^" + body.substring(1);
                    }
                    re.append('[').append(body.replace("\\", "\\\\")).append(']');
                    i = close;
                }
                case '{' -> {
                    braces++;
                    re.append("(?:");
                }
                case '}' -> {
                    if (braces == 0) {
                        throw new IllegalArgumentException("unmatched '}' in path pattern '" + original + "'");
                    }
                    braces--;
                    re.append(')');
                }
                case ',' -> re.append(braces > 0 ? "|" : ",");
                default -> {
                    if ("\\.^$+()|".indexOf(c) >= 0) {
                        re.append('\\');
                    }
                    re.append(c);
                }
            }
        }
        if (braces > 0) {
            throw new IllegalArgumentException("unclosed '{' in path pattern '" + original + "'");
        }
        return re.toString();
    }
}
