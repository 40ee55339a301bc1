package io.riskgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riskgate.RiskGateException;
import io.riskgate.git.Change;
import io.riskgate.git.Commit;
import io.riskgate.git.HistoryMeasures;
import io.riskgate.records.ChangeRecord;
import io.riskgate.risk.ChangeMetrics;
import io.riskgate.risk.Factor;
import io.riskgate.risk.Level;
import io.riskgate.risk.ReversibilityFinding;
import io.riskgate.risk.RiskAssessment;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The assessment as plain maps, lists, strings and numbers: the JSON contract of
 * {@code riskgate assess --format json} and the value Pipeline steps return. Keys are documented in
 * docs/cli.md; new keys may be added, existing ones keep their meaning.
 */
public final class AssessmentReport {
    private static final int COMMITS_LISTED = 50;

    private AssessmentReport() {
    }

    public static Map<String, Object> toMap(RiskAssessment a) {
        return toMap(a, null);
    }

    /**
     * @param modelNote why this model scored the change (a learned model and what it learned from, or why the default), or null
     */
    public static Map<String, Object> toMap(RiskAssessment a, String modelNote) {
        Change change = a.change();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("score", a.score());
        map.put("level", a.level().name());
        map.put("model", a.model());
        if (modelNote != null) {
            map.put("modelNote", modelNote);
        }
        map.put("baseline", change.baseline());
        map.put("head", change.head());
        map.put("baseRef", change.baseRef());
        map.put("headRef", change.headRef());
        List<Object> factors = new ArrayList<>();
        for (Factor f : a.factors()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("id", f.id());
            fm.put("points", f.points());
            fm.put("explanation", f.explanation());
            factors.add(fm);
        }
        map.put("factors", factors);
        map.put("metrics", metrics(a.metrics()));
        HistoryMeasures h = a.metrics().history();
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("commitsRead", h.commitsRead());
        history.put("since", h.since() == null ? null : h.since().toString());
        history.put("shallow", h.shallow());
        map.put("history", history);
        if (h.note() != null) {
            map.put("historyNote", h.note());
        }
        List<Object> findings = new ArrayList<>();
        for (ReversibilityFinding f : a.findings()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("kind", f.kind().name());
            fm.put("path", f.path());
            fm.put("line", f.line() > 0 ? f.line() : null);
            fm.put("evidence", f.evidence());
            findings.add(fm);
        }
        map.put("reversibility", findings);
        List<Object> commits = new ArrayList<>();
        for (Commit c : change.commits().subList(0, Math.min(COMMITS_LISTED, change.commits().size()))) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("sha", c.sha());
            cm.put("author", c.authorName());
            cm.put("email", c.authorEmail());
            cm.put("time", c.commitTime().toString());
            cm.put("subject", c.subject());
            cm.put("merge", c.isMerge());
            commits.add(cm);
        }
        map.put("commits", commits);
        map.put("authors", new ArrayList<>(change.authors()));
        change.firstCommitTime().ifPresent(t -> map.put("firstCommitTime", t.toString()));
        return map;
    }

    /** The metrics by the names of {@link ChangeRecord.Metrics#NAMES} (what records keep), then the size details records do not keep. */
    private static Map<String, Object> metrics(ChangeMetrics m) {
        HistoryMeasures h = m.history();
        Map<String, Object> map = new ChangeRecord.Metrics(m.linesAdded(), m.linesDeleted(), m.files(), m.directories(), m.subsystems(),
                Math.round(m.entropy() * 10000) / 10000.0, m.commits(), m.authors(), h.developers(), round2(h.age()), h.priorChanges(),
                round2(h.authorExperience()), round2(h.recentExperience()), round2(h.subsystemExperience()), h.fix()).toMap();
        map.put("binaryFiles", m.binaryFiles());
        map.put("renames", m.renames());
        map.put("excludedFiles", m.excludedFiles());
        map.put("merges", m.merges());
        return map;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    public static String toJson(RiskAssessment a) {
        return toJson(a, null);
    }

    /** The JSON, with a note on the model when one is given. */
    public static String toJson(RiskAssessment a, String modelNote) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap(a, modelNote));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A report for people: headline, size, factor table and findings. */
    public static String toText(RiskAssessment a) {
        return toText(a, null);
    }

    /** The report for people, with the model line ({@code Model: <name>}, and the note when given). */
    public static String toText(RiskAssessment a, String modelNote) {
        StringBuilder out = new StringBuilder();
        Change c = a.change();
        ChangeMetrics m = a.metrics();
        out.append(String.format(Locale.ROOT, "Risk %d/100 %s   %s (%s) -> %s (%s)%n", a.score(), a.level(),
                TerminalText.safe(c.baseRef()), shortSha(c.baseline()), TerminalText.safe(c.headRef()), shortSha(c.head())));
        out.append(String.format(Locale.ROOT, "Change: +%d -%d lines in %d file%s, %d director%s, %d subsystem%s, entropy %.2f; %d commit%s by %d author%s%n",
                m.linesAdded(), m.linesDeleted(), m.files(), m.files() == 1 ? "" : "s", m.directories(), m.directories() == 1 ? "y" : "ies",
                m.subsystems(), m.subsystems() == 1 ? "" : "s", m.entropy(), m.commits(), m.commits() == 1 ? "" : "s",
                m.authors(), m.authors() == 1 ? "" : "s"));
        out.append(historyLine(m.history())).append(System.lineSeparator());
        if (m.history().note() != null) {
            out.append("History note: ").append(TerminalText.safe(m.history().note())).append(System.lineSeparator());
        }
        out.append("Model: ").append(a.model()).append(modelNote == null ? "" : " (" + TerminalText.safe(modelNote) + ")").append(System.lineSeparator());
        out.append(System.lineSeparator()).append("Factors (points add up to the score)").append(System.lineSeparator());
        int idWidth = a.factors().stream().mapToInt(f -> f.id().length()).max().orElse(10);
        for (Factor f : a.factors()) {
            out.append(String.format(Locale.ROOT, "  %+4d  %-" + idWidth + "s  %s%n", f.points(), f.id(), TerminalText.safe(f.explanation())));
        }
        out.append(String.format(Locale.ROOT, "  ----%n  %4d  %s%n", a.score(), "score"));
        if (!a.findings().isEmpty()) {
            out.append(System.lineSeparator()).append("Reversibility").append(System.lineSeparator());
            int kindWidth = a.findings().stream().mapToInt(f -> f.kind().name().length()).max().orElse(10);
            for (ReversibilityFinding f : a.findings()) {
                out.append(String.format(Locale.ROOT, "  %-" + kindWidth + "s  %s  %s%n", f.kind(), TerminalText.safe(f.location()), TerminalText.safe(f.evidence())));
            }
        }
        return out.toString();
    }

    /** The history measures in words, as a release manager would ask for them. */
    static String historyLine(HistoryMeasures h) {
        String files = h.priorChanges() == 0 ? "no earlier change to these files"
                : String.format(Locale.ROOT, "%,d earlier change%s to these files by %d developer%s, last changed %s ago on average",
                        h.priorChanges(), h.priorChanges() == 1 ? "" : "s", h.developers(), h.developers() == 1 ? "" : "s", days(h.age()));
        String author = h.authorExperience() == 0 ? "no earlier commit by the author"
                : String.format(Locale.ROOT, "the author's earlier commits %s (%s weighted by recency, %s in these subsystems)",
                        number(h.authorExperience()), number(h.recentExperience()), number(h.subsystemExperience()));
        return String.format(Locale.ROOT, "History: %s; %s%s (%,d earlier commit%s read)", files, author, h.fix() ? "; a defect fix" : "",
                h.commitsRead(), h.commitsRead() == 1 ? "" : "s");
    }

    private static String days(double days) {
        return days < 1 ? String.format(Locale.ROOT, "%.1f hours", days * 24) : String.format(Locale.ROOT, "%.1f days", days);
    }

    /** A count, or one decimal when it is not within rounding of a whole number. */
    private static String number(double v) {
        return Math.abs(v - Math.rint(v)) < 0.05 ? String.format(Locale.ROOT, "%,d", Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String shortSha(String sha) {
        return sha.length() > 10 ? sha.substring(0, 10) : sha;
    }
}
