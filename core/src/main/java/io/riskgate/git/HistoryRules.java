package io.riskgate.git;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How the history measures of a change are read from git: how far back (days and commits, whichever
 * is reached first) and which commit subjects or branch names make the change a defect fix.
 *
 * @param lookBackDays read the commits of at most this many days before the change
 * @param maxCommits read at most this many commits
 * @param fixPatterns regular expressions (case-insensitive, found anywhere) that mark a commit subject or the branch name as a fix
 */
public record HistoryRules(int lookBackDays, int maxCommits, List<String> fixPatterns) implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int DEFAULT_LOOK_BACK_DAYS = 365;
    public static final int DEFAULT_MAX_COMMITS = 20_000;
    /** Kamei et al.'s fix keywords (fix, bug, defect) and hotfix, as words: "debug" and "fixture" do not count. */
    public static final List<String> DEFAULT_FIX_PATTERNS = List.of(
            "\\b(fix(e[sd]|ing)?|bug(s|fix(es)?)?|hotfix(es)?|defects?)\\b");

    public HistoryRules {
        fixPatterns = List.copyOf(fixPatterns);
        if (lookBackDays < 1) {
            throw new IllegalArgumentException("lookBackDays must be at least 1 (got " + lookBackDays + ")");
        }
        if (maxCommits < 1) {
            throw new IllegalArgumentException("maxCommits must be at least 1 (got " + maxCommits + ")");
        }
        for (String p : fixPatterns) {
            compile(p);
        }
    }

    public static HistoryRules defaults() {
        return new HistoryRules(DEFAULT_LOOK_BACK_DAYS, DEFAULT_MAX_COMMITS, DEFAULT_FIX_PATTERNS);
    }

    /** A fix pattern compiled as it is matched: case-insensitive; fails with the reason when not a regular expression. */
    public static Pattern compile(String pattern) {
        try {
            return Pattern.compile(pattern, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a regular expression: " + e.getDescription() + " in '" + pattern + "'");
        }
    }

    /** These rules with {@code other}'s fix patterns too (a global policy under a repository's). */
    public HistoryRules including(HistoryRules other) {
        List<String> all = java.util.stream.Stream.concat(fixPatterns.stream(), other.fixPatterns.stream()).distinct().toList();
        return new HistoryRules(lookBackDays, maxCommits, all);
    }
}
