package io.jenkins.plugins.riskgate;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code recordDeployment(environment: 'production', result: 'SUCCEEDED')}: records a deployment
 * made without the promote block (its outcome counts as history for later gates and reports).
 */
public class RecordDeploymentStep extends Step {
    static final List<String> RESULTS = List.of("SUCCEEDED", "FAILED", "ROLLED_BACK");

    private final String environment;
    private final String result;
    private String commit;

    @DataBoundConstructor
    public RecordDeploymentStep(String environment, String result) {
        this.environment = Util.fixEmptyAndTrim(environment);
        this.result = Util.fixEmptyAndTrim(result);
    }

    public String getEnvironment() {
        return environment;
    }

    public String getResult() {
        return result;
    }

    public String getCommit() {
        return commit;
    }

    /** The deployed commit; by default the head of the build's last assessment. */
    @DataBoundSetter
    public void setCommit(String commit) {
        this.commit = Util.fixEmptyAndTrim(commit);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    private static final class Execution extends ShortStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient RecordDeploymentStep step;

        Execution(StepContext context, RecordDeploymentStep step) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run(Run<?, ?> run, TaskListener listener, hudson.FilePath workspace) throws Exception {
            if (step.environment == null) {
                throw new AbortException(Messages.RecordDeploymentStep_NeedsEnvironment());
            }
            String outcome = step.result == null ? "" : step.result.toUpperCase(Locale.ROOT);
            if (!RESULTS.contains(outcome)) {
                throw new AbortException(Messages.RecordDeploymentStep_BadResult(String.join(", ", RESULTS), step.result));
            }
            List<RiskAssessmentAction> assessments = run.getActions(RiskAssessmentAction.class);
            RiskAssessmentAction last = assessments.isEmpty() ? null : assessments.get(assessments.size() - 1);
            String commit = step.commit != null ? step.commit : last != null ? last.getHead() : null;
            if (commit == null) {
                throw new AbortException(Messages.RecordDeploymentStep_NeedsCommit());
            }
            // the risk of another commit is not this one's: only an assessment of the deployed commit counts
            RiskAssessmentAction assessed = null;
            for (RiskAssessmentAction a : assessments) {
                if (a.getHead() != null && (a.getHead().startsWith(commit) || commit.startsWith(a.getHead()))) {
                    assessed = a;
                }
            }
            if (assessed == null && last != null) {
                listener.getLogger().println("[riskgate] " + Messages.RecordDeploymentStep_NotAssessed(Summaries.shortSha(commit), Summaries.shortSha(last.getHead())));
            }
            long now = System.currentTimeMillis();
            PromotionRecord record = new PromotionRecord(UUID.randomUUID().toString(), step.environment,
                    assessed != null ? assessed.getHead() : commit, assessed == null ? -1 : assessed.getScore(),
                    assessed == null ? null : assessed.getLevel(), PromotionRecord.State.valueOf(outcome), now, "recorded by recordDeployment");
            io.riskgate.evidence.TestEvidence tests = !JenkinsFacade.JENKINS.hasPlugin("junit") ? null : JUnitResults.of(run);
            if (tests != null) {
                record.tests(tests.total(), tests.failed() + tests.errors());
            }
            RollbackPlansAction plans = run.getAction(RollbackPlansAction.class);
            io.riskgate.rollback.RollbackPlan plan = plans == null ? null : plans.planFor(step.environment);
            if (plan != null) {
                record.rollback(plan.command(), plan.runbook());
            }
            PromotionAction.of(run).add(record);
            ChangeRecords.record(run, record, listener);
            PromotionEvents.settled(run, record);
            listener.getLogger().println("[riskgate] " + Messages.RecordDeploymentStep_Recorded(Summaries.shortSha(commit), step.environment, outcome));
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("environment", step.environment);
            map.put("commit", commit);
            map.put("result", outcome);
            map.put("id", record.getId());
            return map;
        }
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        @Override
        public String getFunctionName() {
            return "recordDeployment";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RecordDeploymentStep_DisplayName();
        }

        /** The results a deployment can have; only who may configure the job (or, outside a job, administer) asks. */
        @org.kohsuke.stapler.verb.POST
        public hudson.util.ListBoxModel doFillResultItems(@org.kohsuke.stapler.AncestorInPath hudson.model.Item item) {
            JenkinsFacade.JENKINS.checkConfigure(item);
            hudson.util.ListBoxModel items = new hudson.util.ListBoxModel();
            RESULTS.forEach(items::add);
            return items;
        }
    }
}
