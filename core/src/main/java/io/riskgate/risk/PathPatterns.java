package io.riskgate.risk;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

/**
 * A named set of globs, matched together. A glob that starts with {@code !} removes paths that the
 * others matched ({@code !docs/migrations/**}).
 */
public final class PathPatterns {
    private final List<String> globs;
    private final Matcher include;
    private final Matcher exclude;

    private PathPatterns(List<String> globs, Matcher include, Matcher exclude) {
        this.globs = List.copyOf(globs);
        this.include = include;
        this.exclude = exclude;
    }

    /** Globs arranged for speed: exact file names in a hash set, the others each behind its literal filter. */
    private record Matcher(Set<String> names, List<PathPattern> patterns) {
        static Matcher of(List<PathPattern> patterns) {
            Set<String> names = new HashSet<>();
            List<PathPattern> others = new ArrayList<>();
            for (PathPattern p : patterns) {
                if (p.literalName() != null) {
                    names.add(p.literalName());
                } else {
                    others.add(p);
                }
            }
            return new Matcher(Set.copyOf(names), List.copyOf(others));
        }

        boolean matches(String path) {
            if (names.contains(PathPattern.nameOf(path))) {
                return true;
            }
            for (PathPattern p : patterns) {
                if (p.matches(path)) {
                    return true;
                }
            }
            return false;
        }
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
        return new PathPatterns(globs, Matcher.of(positive), Matcher.of(negative));
    }

    public static PathPatterns none() {
        return of(List.of());
    }

    public boolean matches(String path) {
        return include.matches(path) && !exclude.matches(path);
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
