package io.riskgate.risk;

import java.util.List;

/**
 * What was measured and found in a change, before scoring.
 *
 * @param docsOnly every counted file is documentation
 * @param secretsLikeFiles changed files that look like secrets or key material
 * @param breakingApi an API schema lost lines or was deleted
 * @param subsystemNames the top-level areas touched, for explanations
 * @param longLineExtra lines that added lines longer than {@link #LONG_LINE} characters count for size
 *        beyond their own number: such a line counts one per {@link #CHARACTERS_PER_LINE} characters, so
 *        that a minified or generated file of one huge line is not a one-line change
 */
public record ChangeAnalysis(ChangeMetrics metrics, List<ReversibilityFinding> findings, boolean docsOnly,
                             int secretsLikeFiles, boolean breakingApi, List<String> subsystemNames, int longLineExtra) {
    /** Added lines longer than this count as more than one line for size. */
    public static final int LONG_LINE = 1000;
    /** How many characters of a long line count as one line. */
    public static final int CHARACTERS_PER_LINE = 100;

    public ChangeAnalysis {
        findings = List.copyOf(findings);
        subsystemNames = List.copyOf(subsystemNames);
        if (longLineExtra < 0) {
            throw new IllegalArgumentException("longLineExtra must not be negative");
        }
    }

    /** An analysis without long lines. */
    public ChangeAnalysis(ChangeMetrics metrics, List<ReversibilityFinding> findings, boolean docsOnly,
                          int secretsLikeFiles, boolean breakingApi, List<String> subsystemNames) {
        this(metrics, findings, docsOnly, secretsLikeFiles, breakingApi, subsystemNames, 0);
    }

    /** How many lines beyond one a long added line of {@code length} characters counts for. */
    public static int extraLinesOf(int length) {
        return length > LONG_LINE ? (length + CHARACTERS_PER_LINE - 1) / CHARACTERS_PER_LINE - 1 : 0;
    }

    public List<ReversibilityFinding> findings(FindingKind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }
}
