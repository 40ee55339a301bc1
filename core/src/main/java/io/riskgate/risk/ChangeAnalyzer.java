package io.riskgate.risk;

import io.riskgate.git.Change;
import io.riskgate.git.Commit;
import io.riskgate.git.DiffListener;
import io.riskgate.git.FileDiff;
import io.riskgate.git.FileStatus;
import io.riskgate.git.HistoryMeasures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Listens to a streamed diff and measures the change: size and spread over the counted files, and
 * the reversibility findings of every file. Memory grows with the number of files, never with the
 * number of changed lines.
 */
public final class ChangeAnalyzer implements DiffListener {
    private static final Pattern K8S_KIND = Pattern.compile("kind:\\s*[A-Z]\\w+");

    /** Progress of a long analysis: files and changed lines read so far. */
    public record Progress(int files, long lines) {
    }

    private enum Category { TEST, MIGRATION, INFRASTRUCTURE, DEPENDENCY, PUBLIC_API, SECRET, CONFIG, DOCS, CODE }

    private final DetectionRules rules;
    private final Consumer<Progress> progress;
    /** The feature-flag markers, and for each whether it is a plain name (read once, not per added line). */
    private final List<String> flagMarkers;
    private final boolean[] plainNameMarker;

    private final List<ReversibilityFinding> findings = new ArrayList<>();
    private final Set<String> directories = new HashSet<>();
    private final Set<String> subsystems = new TreeSet<>();
    private final List<Integer> churnPerFile = new ArrayList<>();
    private int linesAdded;
    private int linesDeleted;
    private int files;
    private int docsFiles;
    private int binaryFiles;
    private int renames;
    private int excludedFiles;
    private int secretsLikeFiles;
    private boolean breakingApi;
    private int filesSeen;
    private long linesSeen;

    // state of the current file
    private Category category;
    private boolean excluded;
    private MigrationScanner migration;
    private int firstAddedLine;
    private String firstAddedText;
    private String versionLine;
    private boolean flagFound;
    private boolean yamlOrJson;
    private boolean manifestApiVersion;
    private int manifestKindLine;
    private boolean cloudFormation;
    private int cloudFormationLine;
    private SourceText source;
    private long fileLongLineExtra;
    private long longLineExtra;

    public ChangeAnalyzer(DetectionRules rules, Consumer<Progress> progress) {
        this.rules = rules;
        this.progress = progress;
        this.flagMarkers = rules.featureFlagMarkers();
        this.plainNameMarker = new boolean[flagMarkers.size()];
        for (int i = 0; i < plainNameMarker.length; i++) {
            plainNameMarker[i] = plainName(flagMarkers.get(i));
        }
    }

    @Override
    public void fileStarted(FileDiff file) {
        String path = file.path();
        excluded = rules.exclude().matches(path);
        category = categorize(path);
        migration = category == Category.MIGRATION && file.status() != FileStatus.DELETED ? new MigrationScanner(path) : null;
        // flag checks count in code only: comments never, string literals only in configuration
        source = category == Category.CODE || category == Category.CONFIG
                ? new SourceText(SourceText.Syntax.of(path), category == Category.CONFIG) : null;
        fileLongLineExtra = 0;
        firstAddedLine = 0;
        firstAddedText = null;
        versionLine = null;
        flagFound = false;
        String lower = path.toLowerCase(Locale.ROOT);
        yamlOrJson = lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
        manifestApiVersion = false;
        manifestKindLine = 0;
        cloudFormation = false;
        cloudFormationLine = 0;
    }

    private Category categorize(String path) {
        if (rules.tests().matches(path)) {
            return Category.TEST;
        }
        if (rules.migrations().matches(path)) {
            return Category.MIGRATION;
        }
        if (rules.infrastructure().matches(path)) {
            return Category.INFRASTRUCTURE;
        }
        if (rules.dependencies().matches(path)) {
            return Category.DEPENDENCY;
        }
        if (rules.publicApi().matches(path)) {
            return Category.PUBLIC_API;
        }
        if (rules.secrets().matches(path)) {
            return Category.SECRET;
        }
        if (rules.config().matches(path)) {
            return Category.CONFIG;
        }
        if (rules.docs().matches(path)) {
            return Category.DOCS;
        }
        return Category.CODE;
    }

    @Override
    public void addedLine(FileDiff file, int lineNumber, String text) {
        fileLongLineExtra += ChangeAnalysis.extraLinesOf(text.length());
        if (firstAddedLine == 0 && !text.isBlank()) {
            firstAddedLine = lineNumber;
            firstAddedText = text;
        }
        switch (category) {
            case MIGRATION -> {
                if (migration != null) {
                    migration.addedLine(lineNumber, text);
                }
            }
            case DEPENDENCY -> {
                if (versionLine == null && text.toLowerCase(Locale.ROOT).contains("version")) {
                    versionLine = text;
                }
            }
            case CODE, CONFIG -> {
                if (!excluded) {
                    scanForFlag(file, lineNumber, text, source.code(lineNumber, text));
                    if (yamlOrJson) {
                        scanForManifest(lineNumber, text);
                    }
                }
            }
            default -> {
                // the path alone tells what these files are
            }
        }
    }

    private void scanForFlag(FileDiff file, int lineNumber, String text, String code) {
        if (flagFound) {
            return;
        }
        for (int i = 0; i < plainNameMarker.length; i++) {
            String marker = flagMarkers.get(i);
            if (flagCheck(code, marker, plainNameMarker[i])) {
                flagFound = true;
                findings.add(new ReversibilityFinding(FindingKind.FEATURE_FLAG, file.path(), lineNumber,
                        "'" + marker + "' in: " + MigrationScanner.abbreviate(text)));
                return;
            }
        }
    }

    /** What may follow a marker that is a plain name and still name a flag: {@code featureFlags}, {@code FeatureFlagClient}. */
    private static final Pattern FLAG_SUFFIX = Pattern.compile("s?(?:Client|Service|Manager|Provider|Store|Registry|Repository|Api|Sdk"
            + "|Resolver|Evaluator|Checker|Check|Enabled|Active|On|Off|Value|Variation|State|Status|Gate|Guard|Config|Context)?");
    /** What may come before it: {@code isFeatureFlagOn}, {@code getFeatureToggle}. */
    private static final Pattern FLAG_PREFIX = Pattern.compile("(?:is|has|get|check|use|with|new|evaluate|_)?");

    /**
     * Whether code (comments and literals already removed) uses the marker. A marker that is a plain
     * name ({@code featureFlag}) counts as a whole name or with a flag word around it, so that
     * {@code featureFlags.isOn(...)} and {@code FEATURE_FLAG_NEW_CHECKOUT} count and a list named
     * {@code featureFlagMarkers} does not; a marker with punctuation ({@code boolVariation(}) is specific
     * enough as it is.
     */
    static boolean flagCheck(String code, String marker) {
        return flagCheck(code, marker, plainName(marker));
    }

    private static boolean plainName(String marker) {
        for (int i = 0; i < marker.length(); i++) {
            if (!nameChar(marker.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean flagCheck(String code, String marker, boolean plainName) {
        if (!plainName) {
            return code.contains(marker);
        }
        boolean snakeCase = marker.indexOf('_') >= 0;
        for (int at = code.indexOf(marker); at >= 0; at = code.indexOf(marker, at + 1)) {
            int start = at;
            while (start > 0 && nameChar(code.charAt(start - 1))) {
                start--;
            }
            int end = at + marker.length();
            while (end < code.length() && nameChar(code.charAt(end))) {
                end++;
            }
            String before = code.substring(start, at);
            String after = code.substring(at + marker.length(), end);
            boolean afterOk = snakeCase ? after.isEmpty() || after.startsWith("_") || after.equals("s") : FLAG_SUFFIX.matcher(after).matches();
            if (afterOk && FLAG_PREFIX.matcher(before).matches()) {
                return true;
            }
        }
        return false;
    }

    private static boolean nameChar(int c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** Kubernetes manifests and CloudFormation templates that live outside the usual folders. */
    private void scanForManifest(int lineNumber, String text) {
        String code = text.strip();
        if (code.contains("AWSTemplateFormatVersion")) {
            cloudFormation = true;
            cloudFormationLine = lineNumber;
        } else if (!manifestApiVersion && code.startsWith("apiVersion:") && code.length() > "apiVersion:".length() + 1) {
            manifestApiVersion = true;
        } else if (manifestKindLine == 0 && code.startsWith("kind:") && K8S_KIND.matcher(code).lookingAt()) {
            manifestKindLine = lineNumber;
        }
    }

    @Override
    public void fileFinished(FileDiff file) {
        filesSeen++;
        linesSeen += file.linesAdded() + file.linesDeleted();
        if (progress != null && filesSeen % 1000 == 0) {
            progress.accept(new Progress(filesSeen, linesSeen));
        }
        count(file);
        findingsOf(file);
    }

    private void count(FileDiff file) {
        if (excluded) {
            excludedFiles++;
            return;
        }
        if (file.pureRename()) {
            renames++;
            return;
        }
        files++;
        if (category == Category.DOCS) {
            docsFiles++;
        }
        if (file.binary()) {
            binaryFiles++;
        }
        linesAdded += file.linesAdded();
        linesDeleted += file.linesDeleted();
        longLineExtra += fileLongLineExtra;
        churnPerFile.add(file.linesAdded() + file.linesDeleted());
        String path = file.path();
        int slash = path.lastIndexOf('/');
        directories.add(slash < 0 ? "" : path.substring(0, slash));
        int first = path.indexOf('/');
        subsystems.add(first < 0 ? "(root)" : path.substring(0, first));
    }

    private void findingsOf(FileDiff file) {
        String path = file.path();
        boolean deleted = file.status() == FileStatus.DELETED;
        if (deleted && !excluded && category != Category.DOCS && category != Category.TEST) {
            findings.add(new ReversibilityFinding(FindingKind.DELETED_FILES, path, 0,
                    "file deleted" + (file.linesDeleted() > 0 ? " (" + file.linesDeleted() + " lines)" : "")));
        }
        int line = firstAddedLine;
        switch (category) {
            case MIGRATION -> {
                boolean edited = editedMigration(file);
                if (edited) {
                    findings.add(new ReversibilityFinding(FindingKind.EDITED_MIGRATION, path, line, (file.status() == FileStatus.RENAMED
                            ? "renamed from " + file.oldPath() : "existed at the baseline") + churn(file)
                            + ": databases that applied it keep the old version"));
                }
                if (migration != null) {
                    // an edit to an applied migration does not move the schema forward: only its destructive statements count
                    migration.finish().stream().filter(f -> !edited || f.kind() != FindingKind.ADDITIVE_MIGRATION).forEach(findings::add);
                }
            }
            case INFRASTRUCTURE -> findings.add(new ReversibilityFinding(FindingKind.INFRASTRUCTURE, path, line,
                    infrastructureKind(path) + (deleted ? " deleted" : " changed") + churn(file)));
            case DEPENDENCY -> findings.add(new ReversibilityFinding(FindingKind.DEPENDENCY, path, line,
                    "build or dependency manifest changed" + churn(file)
                            + (versionLine != null ? ": " + MigrationScanner.abbreviate(versionLine)
                            : firstAddedText != null ? ": " + MigrationScanner.abbreviate(firstAddedText) : "")));
            case PUBLIC_API -> {
                boolean breaking = deleted || file.linesDeleted() > 0;
                breakingApi |= breaking;
                findings.add(new ReversibilityFinding(FindingKind.PUBLIC_API, path, line, breaking
                        ? "API schema " + (deleted ? "deleted" : "lost " + file.linesDeleted() + " line" + plural(file.linesDeleted()))
                                + ": clients built against it may break"
                        : "API schema extended" + churn(file) + ": additive, existing clients keep working"));
            }
            case SECRET -> {
                secretsLikeFiles++;
                findings.add(new ReversibilityFinding(FindingKind.CONFIG, path, line, "secrets-like file changed" + churn(file)));
            }
            case CONFIG -> {
                if (cloudFormation) {
                    findings.add(new ReversibilityFinding(FindingKind.INFRASTRUCTURE, path, cloudFormationLine, "CloudFormation template changed" + churn(file)));
                } else if (manifestApiVersion && manifestKindLine > 0) {
                    findings.add(new ReversibilityFinding(FindingKind.INFRASTRUCTURE, path, manifestKindLine, "Kubernetes manifest changed" + churn(file)));
                } else {
                    findings.add(new ReversibilityFinding(FindingKind.CONFIG, path, line, "configuration changed" + churn(file)));
                }
            }
            case CODE -> {
                if (yamlOrJson && cloudFormation) {
                    findings.add(new ReversibilityFinding(FindingKind.INFRASTRUCTURE, path, cloudFormationLine, "CloudFormation template changed" + churn(file)));
                } else if (yamlOrJson && manifestApiVersion && manifestKindLine > 0) {
                    findings.add(new ReversibilityFinding(FindingKind.INFRASTRUCTURE, path, manifestKindLine, "Kubernetes manifest changed" + churn(file)));
                }
            }
            default -> {
                // documentation and tests carry no reversibility finding
            }
        }
    }

    /**
     * A migration that existed at the baseline and was changed or renamed. Flyway's repeatable
     * migrations ({@code R__}) are meant to be edited; a Liquibase changelog that only gained lines
     * gained changesets, which is how it grows.
     */
    private static boolean editedMigration(FileDiff file) {
        if (file.status() != FileStatus.MODIFIED && file.status() != FileStatus.RENAMED) {
            return false;
        }
        String name = file.path().substring(file.path().lastIndexOf('/') + 1);
        if (name.startsWith("R__")) {
            return false;
        }
        boolean changelog = name.toLowerCase(Locale.ROOT).contains("changelog");
        return !changelog || file.linesDeleted() > 0;
    }

    private static String infrastructureKind(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        String name = lower.substring(lower.lastIndexOf('/') + 1);
        if (lower.endsWith(".tf") || lower.endsWith(".tfvars") || lower.endsWith(".tf.json") || lower.endsWith(".hcl") || lower.contains("terraform/")) {
            return "Terraform";
        }
        if (name.startsWith("dockerfile") || name.endsWith(".dockerfile") || name.equals("containerfile")) {
            return "Dockerfile";
        }
        if (name.contains("compose")) {
            return "Docker Compose file";
        }
        if (name.equals("chart.yaml") || lower.contains("charts/") || lower.contains("helm/")) {
            return "Helm chart";
        }
        if (lower.contains("k8s/") || lower.contains("kubernetes/") || lower.contains("kube/") || name.startsWith("kustomization")) {
            return "Kubernetes manifest";
        }
        if (lower.contains("cloudformation/") || name.contains(".cfn.") || name.startsWith("template.")) {
            return "CloudFormation template";
        }
        if (lower.contains("ansible/") || name.startsWith("playbook")) {
            return "Ansible playbook";
        }
        return "infrastructure definition";
    }

    private static String churn(FileDiff file) {
        if (file.binary()) {
            return " (binary)";
        }
        return " (+" + file.linesAdded() + " -" + file.linesDeleted() + ")";
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }

    /** The measurements and findings once the whole diff was read, without history measures. */
    public ChangeAnalysis result(Change change) {
        return result(change, HistoryMeasures.NONE);
    }

    /** The measurements and findings once the whole diff was read, with the history measures read from git. */
    public ChangeAnalysis result(Change change, HistoryMeasures history) {
        List<Commit> nonMerge = change.nonMergeCommits();
        int merges = change.commits().size() - nonMerge.size();
        ChangeMetrics metrics = new ChangeMetrics(linesAdded, linesDeleted, files, directories.size(), subsystems.size(),
                entropy(), nonMerge.size(), change.authors().size(), binaryFiles, renames, excludedFiles, merges, history);
        return new ChangeAnalysis(metrics, findings, files > 0 && docsFiles == files, secretsLikeFiles, breakingApi,
                new ArrayList<>(subsystems), (int) Math.min(Integer.MAX_VALUE, longLineExtra));
    }

    /** Shannon entropy of changed lines over files, normalised by log2 of the number of files with changed lines. */
    private double entropy() {
        long total = 0;
        int n = 0;
        for (int churn : churnPerFile) {
            if (churn > 0) {
                total += churn;
                n++;
            }
        }
        if (n < 2) {
            return 0.0;
        }
        double h = 0;
        for (int churn : churnPerFile) {
            if (churn > 0) {
                double p = (double) churn / total;
                h -= p * Math.log(p);
            }
        }
        return h / Math.log(n);
    }
}
