package io.riskgate.risk;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
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
    private final Matcher include;
    private final Matcher exclude;

    private PathPatterns(List<String> globs, Matcher include, Matcher exclude) {
        this.globs = List.copyOf(globs);
        this.include = include;
        this.exclude = exclude;
    }

    /**
     * Globs arranged for speed: exact file names in a hash set, file-name globs in one expression
     * over the name, and path globs each behind a substring filter.
     */
    private record Matcher(Set<String> names, Pattern nameRegex, List<String> pathLiterals, List<PathPattern> byPath) {
        static Matcher of(List<PathPattern> patterns) {
            Set<String> names = new HashSet<>();
            List<PathPattern> byName = new ArrayList<>();
            List<PathPattern> byPath = new ArrayList<>();
            for (PathPattern p : patterns) {
                if (p.literalName() != null) {
                    names.add(p.literalName());
                } else if (p.nameOnly()) {
                    byName.add(p);
                } else {
                    byPath.add(p);
                }
            }
            return new Matcher(Set.copyOf(names), join(byName), byPath.stream().map(PathPattern::literalPart).toList(), List.copyOf(byPath));
        }

        boolean matches(String path) {
            String name = PathPattern.nameOf(path);
            if (names.contains(name) || nameRegex.matcher(name).matches()) {
                return true;
            }
            for (int i = 0; i < byPath.size(); i++) {
                // the literal part is a cheap filter: a path without it cannot match the glob
                if (path.contains(pathLiterals.get(i)) && byPath.get(i).matches(path)) {
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

    private static Pattern join(List<PathPattern> patterns) {
        if (patterns.isEmpty()) {
            return NOTHING;
        }
        return Pattern.compile(patterns.stream().map(p -> "(?:" + p.regex() + ")").collect(Collectors.joining("|")));
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
