package io.riskgate.risk;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A named set of globs, matched together. A glob that starts with {@code !} removes paths that the
 * others matched ({@code !docs/migrations/**}).
 */
public final class PathPatterns {
    private static final Pattern NOTHING = Pattern.compile("(?!)");

    private final List<String> globs;
    private final Pattern include;
    private final Pattern exclude;

    private PathPatterns(List<String> globs, Pattern include, Pattern exclude) {
        this.globs = List.copyOf(globs);
        this.include = include;
        this.exclude = exclude;
    }

    public static PathPatterns of(List<String> globs) {
        List<PathPattern> positive = new ArrayList<>();
        List<PathPattern> negative = new ArrayList<>();
        for (String glob : globs) {
            String g = glob.strip();
            if (g.startsWith("!")) {
                negative.add(PathPattern.of(g.substring(1)));
            } else {
                positive.add(PathPattern.of(g));
            }
        }
        return new PathPatterns(globs, join(positive), join(negative));
    }

    public static PathPatterns none() {
        return new PathPatterns(List.of(), NOTHING, NOTHING);
    }

    private static Pattern join(List<PathPattern> patterns) {
        if (patterns.isEmpty()) {
            return NOTHING;
        }
        return Pattern.compile(patterns.stream().map(p -> "(?:" + p.regex() + ")").collect(Collectors.joining("|")));
    }

    public boolean matches(String path) {
        return include.matcher(path).matches() && !exclude.matcher(path).matches();
    }

    public List<String> globs() {
        return globs;
    }

    /** These globs followed by {@code more}. */
    public PathPatterns plus(List<String> more) {
        List<String> all = new ArrayList<>(globs);
        all.addAll(more);
        return of(all);
    }

    @Override
    public String toString() {
        return globs.toString();
    }
}
