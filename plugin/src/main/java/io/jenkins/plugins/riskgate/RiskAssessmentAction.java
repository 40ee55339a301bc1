package io.jenkins.plugins.riskgate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Run;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * One assessment of this build's change, shown on the build page with its factor table. Stored
 * as the JSON of {@code riskgate assess --format json}, so build.xml holds only a string.
 */
@ExportedBean
public class RiskAssessmentAction implements RunAction2 {
    private final String json;
    /** The repository's policy file when the change was assessed, so that a promotion outside node {} applies it too. */
    private final String repositoryPolicy;
    private final String repositoryPolicyName;
    private transient Map<String, Object> map;
    private transient Run<?, ?> run;

    public RiskAssessmentAction(String json) {
        this(json, null);
    }

    /** @param repositoryPolicy the repository policy's text and file name, or null */
    RiskAssessmentAction(String json, String[] repositoryPolicy) {
        this.json = json;
        this.repositoryPolicy = repositoryPolicy == null ? null : repositoryPolicy[0];
        this.repositoryPolicyName = repositoryPolicy == null ? null : repositoryPolicy[1];
    }

    /** The history of the changed files and the author's experience in words, or null for older assessments. */
    public String getHistory() {
        return io.riskgate.report.AssessmentReport.historyLine(getAssessment());
    }

    /** What to know about the history measures (a shallow clone), or null. */
    public String getHistoryNote() {
        Object note = getAssessment().get("historyNote");
        return note == null ? null : note.toString();
    }

    /** The repository policy captured with the assessment (text and file name), or null. */
    String[] repositoryPolicy() {
        return repositoryPolicy == null ? null : new String[] {repositoryPolicy, repositoryPolicyName};
    }

    /** The assessment as plain maps and lists (what the {@code assessChange} step returns). */
    @SuppressWarnings("unchecked")
    public synchronized Map<String, Object> getAssessment() {
        if (map == null) {
            try {
                map = new ObjectMapper().readValue(json, LinkedHashMap.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored assessment is not JSON", e);
            }
        }
        return map;
    }

    public String getJson() {
        return json;
    }

    @Exported
    public int getScore() {
        return ((Number) getAssessment().get("score")).intValue();
    }

    @Exported
    public String getLevel() {
        return (String) getAssessment().get("level");
    }

    /** Which model produced the score: {@code default} or {@code learned-<day>} (older assessments: {@code default}). */
    @Exported
    public String getModel() {
        Object model = getAssessment().get("model");
        return model == null ? "default" : model.toString();
    }

    /** Why that model: what the learned one learned from, or why the default score; null when not said. */
    @Exported
    public String getModelNote() {
        Object note = getAssessment().get("modelNote");
        return note == null ? null : note.toString();
    }

    @Exported
    public String getHead() {
        return (String) getAssessment().get("head");
    }

    @Exported
    public String getBaseline() {
        return (String) getAssessment().get("baseline");
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> getFactors() {
        return (List<Map<String, Object>>) getAssessment().get("factors");
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> getFindings() {
        return (List<Map<String, Object>>) getAssessment().get("reversibility");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> getMetrics() {
        return (Map<String, Object>) getAssessment().get("metrics");
    }

    /** CSS colour class of the level for the summary badge. */
    public String getLevelColor() {
        return switch (getLevel()) {
            case "LOW" -> "var(--success-color, #138347)";
            case "MEDIUM" -> "var(--warning-color, #a67e00)";
            default -> "var(--error-color, #cc0000)";
        };
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "Change risk";
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
