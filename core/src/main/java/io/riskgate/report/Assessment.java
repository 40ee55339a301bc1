package io.riskgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riskgate.RiskGateException;
import io.riskgate.gate.PromotionCandidate;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.RecordTimes;
import io.riskgate.risk.Factor;
import io.riskgate.risk.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An assessment read back from its JSON contract ({@link AssessmentReport#toJson}, the output of
 * {@code riskgate assess --format json}), once, into typed values: what the gate, the change
 * records, the CLI's {@code gate} and {@code record --assessment} and the plugin's pages use. The
 * metrics are those of a change record, by the names of {@link ChangeRecord.Metrics#NAMES}.
 *
 * @param model {@code default} or {@code learned-<day>} ({@code default} for assessments that do not say)
 * @param modelNote why that model, or null
 * @param history what the history measures read, or null for assessments without them
 * @param firstCommitTime when the change's first commit was made, or null
 */
public record Assessment(int score, Level level, String model, String modelNote, String baseline, String head,
                         List<Factor> factors, List<Finding> findings, ChangeRecord.Metrics metrics, History history,
                         List<String> authors, Instant firstCommitTime) {

    /** A reversibility finding as the JSON states it. */
    public record Finding(String kind, String path, Integer line, String evidence) {
    }

    /** How much history the measures read ({@code shallow}: a shallow clone), and what to know about it. */
    public record History(int commitsRead, boolean shallow, String note) {
    }

    public Assessment {
        factors = List.copyOf(factors);
        findings = List.copyOf(findings);
        authors = List.copyOf(authors);
    }

    /**
     * Reads the JSON of an assessment; {@code source} names the input in errors, each one line that
     * says what to pass instead.
     */
    public static Assessment read(String json, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new RiskGateException(source + " is not valid JSON (" + e.getOriginalMessage().replaceAll("\\s+", " ")
                    + "): pass the output of 'riskgate assess --format json'");
        }
        if (root == null || !root.isObject() || !root.path("score").canConvertToInt() || !root.path("level").isTextual()
                || !root.path("head").isTextual()) {
            throw new RiskGateException(source + " is not a riskgate assessment (it needs score, level and head):"
                    + " pass the output of 'riskgate assess --format json'");
        }
        Level level;
        try {
            level = Level.valueOf(root.get("level").asText());
        } catch (IllegalArgumentException e) {
            throw new RiskGateException(source + ": unknown level '" + root.get("level").asText() + "'");
        }
        List<Factor> factors = new ArrayList<>();
        root.path("factors").forEach(f -> factors.add(new Factor(f.path("id").asText(), f.path("points").asInt(), f.path("explanation").asText())));
        List<Finding> findings = new ArrayList<>();
        root.path("reversibility").forEach(f -> findings.add(new Finding(f.path("kind").asText(), f.path("path").asText(),
                f.path("line").canConvertToInt() ? f.get("line").asInt() : null, f.path("evidence").asText())));
        List<String> authors = new ArrayList<>();
        root.path("authors").forEach(n -> authors.add(n.asText()));
        Map<String, Object> metrics = root.path("metrics").isObject()
                ? new ObjectMapper().convertValue(root.get("metrics"), new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { })
                : Map.of();
        History history = root.path("history").isObject() && metrics.get("developers") instanceof Number
                ? new History(root.path("history").path("commitsRead").asInt(), root.path("history").path("shallow").asBoolean(),
                        text(root, "historyNote"))
                : null;
        String first = text(root, "firstCommitTime");
        Instant firstCommit = first == null ? null : RecordTimes.parseOrNull(first);
        if (first != null && firstCommit == null) {
            throw new RiskGateException(source + ": firstCommitTime " + RecordTimes.quote(first)
                    + " is not a time: pass the output of 'riskgate assess --format json'");
        }
        String model = text(root, "model");
        return new Assessment(root.get("score").asInt(), level, model == null ? "default" : model, text(root, "modelNote"),
                text(root, "baseline"), root.get("head").asText(), factors, findings, ChangeRecord.Metrics.of(metrics), history,
                authors, firstCommit);
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.get(field).asText() : null;
    }

    /** Whether the JSON had a {@code metrics} object with the change's size. */
    public boolean hasMetrics() {
        return metrics.linesAdded() != null;
    }

    /** What a gate needs: head, score, level and authors. */
    public PromotionCandidate candidate() {
        return new PromotionCandidate(head, score, level, authors);
    }

    /** The history of the changed files and the author's experience in words, or null for assessments without them. */
    public String historyLine() {
        if (history == null) {
            return null;
        }
        ChangeRecord.Metrics m = metrics;
        return AssessmentReport.historyLine(new io.riskgate.git.HistoryMeasures(m.developers(), zero(m.age()), zeroInt(m.priorChanges()),
                zero(m.authorExperience()), zero(m.recentExperience()), zero(m.subsystemExperience()), Boolean.TRUE.equals(m.fix()),
                history.commitsRead(), null, history.shallow(), history.note()));
    }

    private static double zero(Double v) {
        return v == null ? 0 : v;
    }

    private static int zeroInt(Integer v) {
        return v == null ? 0 : v;
    }
}
