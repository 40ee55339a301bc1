package io.riskgate.risk;

import io.riskgate.git.Change;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns measurements and findings into a score with one factor per contribution. The factors'
 * points always add up to the score: adjustments (documentation-only discount, minimum levels, the
 * 0..100 bounds) are factors of their own. The formula is documented in docs/scoring.md.
 */
public final class RiskScorer implements ChangeScorer {
    public static final String MODEL = "default";
    private static final double LN_101 = Math.log(101);
    private static final int LISTED = 3;

    private final ScoringRules rules;

    public RiskScorer(ScoringRules rules) {
        this.rules = rules;
    }

    /**
     * A saturating scale from 0 to 1: {@code ln(1 + 100 x / cap) / ln(101)}, capped at 1. It gives half
     * the weight at about a tenth of {@code cap} and all of it at {@code cap}, so one huge number
     * cannot hide the other factors.
     */
    public static double saturate(double x, double cap) {
        if (x <= 0 || cap <= 0) {
            return 0;
        }
        return Math.min(1.0, Math.log1p(100 * x / cap) / LN_101);
    }

    @Override
    public RiskAssessment score(Change change, ChangeAnalysis analysis) {
        ChangeMetrics m = analysis.metrics();
        List<Factor> factors = new ArrayList<>();

        double weightedLines = m.linesAdded() + analysis.longLineExtra() + rules.deletedLineShare() * m.linesDeleted();
        factors.add(size("lines", weightedLines, fmt(m.linesAdded()) + " line" + s(m.linesAdded()) + " added and "
                + fmt(m.linesDeleted()) + " deleted (deleted lines count " + percent(rules.deletedLineShare())
                + (analysis.longLineExtra() > 0 ? "; added lines over " + fmt(ChangeAnalysis.LONG_LINE)
                        + " characters, as in minified or generated files, count one per " + ChangeAnalysis.CHARACTERS_PER_LINE
                        + " characters: " + fmt(analysis.longLineExtra()) + " more" : "")
                + "): the more lines, the harder the change is to review and to undo"));
        factors.add(size("files", m.files() - 1, fmt(m.files()) + " file" + s(m.files()) + " changed"
                + (m.binaryFiles() > 0 ? ", " + m.binaryFiles() + " of them binary" : "")
                + (m.renames() > 0 ? "; " + m.renames() + " pure rename" + s(m.renames()) + " not counted" : "")
                + (m.excludedFiles() > 0 ? "; " + m.excludedFiles() + " generated or vendored file" + s(m.excludedFiles()) + " excluded" : "")));
        factors.add(size("directories", m.directories() - 1, "spread over " + m.directories() + " director" + (m.directories() == 1 ? "y" : "ies")));
        factors.add(size("subsystems", m.subsystems() - 1, "touches " + m.subsystems() + " top-level area" + s(m.subsystems())
                + (analysis.subsystemNames().isEmpty() ? "" : " (" + list(analysis.subsystemNames()) + ")")));
        double sizeShare = saturate(weightedLines, rules.saturationOf("lines"));
        factors.add(new Factor("size.entropy", round(rules.weight("entropy") * m.entropy() * sizeShare),
                String.format(Locale.ROOT, "changed lines spread over files with entropy %.2f of 1, counted at the change's size (%d%%)%s",
                        m.entropy(), Math.round(sizeShare * 100),
                        m.entropy() >= 0.8 ? ": scattered edits are harder to review than focused ones" : "")));
        factors.add(size("commits", m.commits() - 1, m.commits() + " commit" + s(m.commits())
                + (m.merges() > 0 ? " (and " + m.merges() + " merge" + s(m.merges()) + ")" : "")));
        factors.add(size("authors", m.authors() - 1, m.authors() + " author" + s(m.authors())));

        return finish(change, analysis, factors, MODEL);
    }

    /**
     * Completes a score from its size factors (the default ones, or a learned model's): the
     * documentation-only discount, the reversibility factors, the feature-flag mitigation, the
     * policy's minimum levels and the 0..100 bounds, each a factor of its own.
     *
     * @param sizeFactors the factors of the change's size and spread; not changed
     * @param model the name of the model that produced the size factors
     */
    public RiskAssessment finish(Change change, ChangeAnalysis analysis, List<Factor> sizeFactors, String model) {
        ChangeMetrics m = analysis.metrics();
        List<Factor> factors = new ArrayList<>(sizeFactors);
        int sizePoints = factors.stream().mapToInt(Factor::points).sum();
        if (analysis.docsOnly() && sizePoints > 0) {
            int kept = round(sizePoints * rules.docsOnlySizeShare());
            factors.add(new Factor("adjust.docs-only", kept - sizePoints,
                    "only documentation changed: its size counts " + percent(rules.docsOnlySizeShare())));
        }

        reversibility(analysis, factors);
        mitigation(analysis, factors);

        int score = sum(factors);
        Level floor = Level.LOW;
        FindingKind floorKind = null;
        for (Map.Entry<FindingKind, Level> e : rules.minimumLevel().entrySet()) {
            if (!analysis.findings(e.getKey()).isEmpty() && e.getValue().compareTo(floor) > 0) {
                floor = e.getValue();
                floorKind = e.getKey();
            }
        }
        int floorScore = rules.thresholds().floorOf(floor);
        if (floorKind != null && score < floorScore) {
            factors.add(new Factor("adjust.minimum-level", floorScore - score,
                    "the policy holds changes with a " + words(floorKind) + " at " + floor + " or above"));
            score = floorScore;
        }
        if (score > 100) {
            factors.add(new Factor("adjust.cap", 100 - score, "the score is capped at 100"));
            score = 100;
        } else if (score < 0) {
            factors.add(new Factor("adjust.floor", -score, "the score does not go below 0"));
            score = 0;
        }
        return new RiskAssessment(change, m, analysis.findings(), score, rules.thresholds().levelOf(score), factors, model);
    }

    private Factor size(String key, double amount, String explanation) {
        return new Factor("size." + key, round(rules.weight(key) * saturate(amount, rules.saturationOf(key))), explanation);
    }

    private void reversibility(ChangeAnalysis analysis, List<Factor> factors) {
        List<ReversibilityFinding> destructive = analysis.findings(FindingKind.DESTRUCTIVE_MIGRATION);
        if (!destructive.isEmpty()) {
            factors.add(factor(FindingKind.DESTRUCTIVE_MIGRATION, 1.0, destructive.size() + " destructive or data-dependent schema change"
                    + s(destructive.size()) + " (" + evidence(destructive) + "): redeploying the previous version does not bring the data back"));
        }
        List<ReversibilityFinding> edited = analysis.findings(FindingKind.EDITED_MIGRATION);
        if (!edited.isEmpty()) {
            factors.add(factor(FindingKind.EDITED_MIGRATION, 1.0, edited.size() + " migration" + s(edited.size())
                    + " that already existed at the baseline edited or renamed (" + paths(edited) + "): databases that applied "
                    + (edited.size() == 1 ? "it" : "them") + " never run the edit, and checksum validation (Flyway, Liquibase) refuses to migrate"));
        }
        List<ReversibilityFinding> additive = analysis.findings(FindingKind.ADDITIVE_MIGRATION);
        if (!additive.isEmpty()) {
            factors.add(factor(FindingKind.ADDITIVE_MIGRATION, 1.0, additive.size() + " additive migration" + s(additive.size())
                    + " (" + paths(additive) + "): the schema moves forward, though the old code still works with it"));
        }
        List<ReversibilityFinding> infra = analysis.findings(FindingKind.INFRASTRUCTURE);
        if (!infra.isEmpty()) {
            factors.add(factor(FindingKind.INFRASTRUCTURE, 1.0, "infrastructure changed in " + infra.size() + " file" + s(infra.size())
                    + " (" + paths(infra) + "): applied outside the application and not undone by redeploying it"));
        }
        List<ReversibilityFinding> deps = analysis.findings(FindingKind.DEPENDENCY);
        if (!deps.isEmpty()) {
            factors.add(factor(FindingKind.DEPENDENCY, 1.0, "build or dependency manifests changed (" + paths(deps)
                    + "): new versions can change behaviour anywhere in the application"));
        }
        List<ReversibilityFinding> api = analysis.findings(FindingKind.PUBLIC_API);
        if (!api.isEmpty()) {
            factors.add(analysis.breakingApi()
                    ? factor(FindingKind.PUBLIC_API, 1.0, "public API schema lost definitions (" + paths(api)
                            + "): clients built against the old one may break and do not roll back with the server")
                    : factor(FindingKind.PUBLIC_API, 1.0 / 3, "public API schema extended (" + paths(api)
                            + "): additive, so existing clients keep working; counts a third"));
        }
        List<ReversibilityFinding> deleted = analysis.findings(FindingKind.DELETED_FILES);
        if (!deleted.isEmpty()) {
            factors.add(new Factor("reversibility." + FindingKind.DELETED_FILES.id(),
                    round(rules.weight(FindingKind.DELETED_FILES.weightKey()) * saturate(deleted.size(), 20)),
                    deleted.size() + " file" + s(deleted.size()) + " deleted (" + paths(deleted) + "): whatever still depends on them breaks"));
        }
        List<ReversibilityFinding> config = analysis.findings(FindingKind.CONFIG);
        int plainConfig = config.size() - analysis.secretsLikeFiles();
        if (plainConfig > 0) {
            factors.add(factor(FindingKind.CONFIG, 1.0, "configuration changed in " + plainConfig + " file" + s(plainConfig)
                    + " (" + paths(config.stream().filter(f -> !f.evidence().startsWith("secrets")).toList())
                    + "): configuration often differs per environment and is missed by tests"));
        }
        if (analysis.secretsLikeFiles() > 0) {
            factors.add(new Factor("reversibility.secrets", round(rules.weight("secrets")),
                    analysis.secretsLikeFiles() + " secrets-like file" + s(analysis.secretsLikeFiles()) + " changed ("
                            + paths(config.stream().filter(f -> f.evidence().startsWith("secrets")).toList())
                            + "): keys and credentials cannot be un-leaked or rolled back"));
        }
    }

    private void mitigation(ChangeAnalysis analysis, List<Factor> factors) {
        List<ReversibilityFinding> flags = analysis.findings(FindingKind.FEATURE_FLAG);
        int available = sum(factors);
        if (flags.isEmpty() || available <= 0) {
            return;
        }
        int points = Math.min(round(rules.weight(FindingKind.FEATURE_FLAG.weightKey())), available);
        factors.add(new Factor("mitigation." + FindingKind.FEATURE_FLAG.id(), -points,
                "new code is behind a feature flag in " + flags.size() + " file" + s(flags.size()) + " (" + paths(flags)
                        + "): it can be switched off without a deployment"));
    }

    private Factor factor(FindingKind kind, double share, String explanation) {
        return new Factor("reversibility." + kind.id(), round(rules.weight(kind.weightKey()) * share), explanation);
    }

    private static int sum(List<Factor> factors) {
        return factors.stream().mapToInt(Factor::points).sum();
    }

    private static int round(double points) {
        return (int) Math.round(points);
    }

    private static String evidence(List<ReversibilityFinding> findings) {
        return limited(findings.stream().map(f -> f.evidence() + " at " + f.location()).toList(), 2);
    }

    private static String paths(List<ReversibilityFinding> findings) {
        return limited(findings.stream().map(ReversibilityFinding::path).distinct().toList(), LISTED);
    }

    private static String list(List<String> items) {
        return limited(items, 5);
    }

    private static String limited(List<String> items, int max) {
        String shown = items.stream().limit(max).collect(Collectors.joining(", "));
        return items.size() > max ? shown + " and " + (items.size() - max) + " more" : shown;
    }

    private static String words(FindingKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String s(int n) {
        return n == 1 ? "" : "s";
    }

    private static String fmt(int n) {
        return NumberFormat.getIntegerInstance(Locale.ROOT).format(n);
    }

    private static String percent(double share) {
        return Math.round(share * 100) + "%";
    }
}
