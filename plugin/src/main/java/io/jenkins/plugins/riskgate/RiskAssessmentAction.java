package io.jenkins.plugins.riskgate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Run;
import io.riskgate.records.ChangeRecord;
import io.riskgate.report.Assessment;
import io.riskgate.risk.Factor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.RunAction2;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
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
    private transient Assessment assessment;
    private transient Run<?, ?> run;

    @Restricted(NoExternalUse.class)
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
        return assessment().historyLine();
    }

    /** What to know about the history measures (a shallow clone), or null. */
    public String getHistoryNote() {
        Assessment.History h = assessment().history();
        return h == null ? null : h.note();
    }

    /** The repository policy captured with the assessment (text and file name), or null. */
    String[] repositoryPolicy() {
        return repositoryPolicy == null ? null : new String[] {repositoryPolicy, repositoryPolicyName};
    }

    /** The assessment, read once from the stored JSON into core's typed contract. */
    public synchronized Assessment assessment() {
        if (assessment == null) {
            assessment = Assessment.read(json, "the assessment stored in " + (run == null ? "the build" : run.getFullDisplayName()));
        }
        return assessment;
    }

    /** What the {@code assessChange} step returns: the JSON as new plain maps and lists, which the Pipeline script may change. */
    @SuppressWarnings("unchecked")
    Map<String, Object> stepResult() {
        try {
            return new ObjectMapper().readValue(json, LinkedHashMap.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored assessment is not JSON", e);
        }
    }

    public String getJson() {
        return json;
    }

    @Exported
    public int getScore() {
        return assessment().score();
    }

    @Exported
    public String getLevel() {
        return assessment().level().name();
    }

    /** Which model produced the score: {@code default} or {@code learned-<day>} (older assessments: {@code default}). */
    @Exported
    public String getModel() {
        return assessment().model();
    }

    /** Why that model: what the learned one learned from, or why the default score; null when not said. */
    @Exported
    public String getModelNote() {
        return assessment().modelNote();
    }

    @Exported
    public String getHead() {
        return assessment().head();
    }

    @Exported
    public String getBaseline() {
        return assessment().baseline();
    }

    public List<Factor> getFactors() {
        return assessment().factors();
    }

    public List<Assessment.Finding> getFindings() {
        return assessment().findings();
    }

    public ChangeRecord.Metrics getMetrics() {
        return assessment().metrics();
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
        return Messages.RiskAssessmentAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
