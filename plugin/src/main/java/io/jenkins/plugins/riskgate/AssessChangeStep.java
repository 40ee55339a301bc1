package io.jenkins.plugins.riskgate;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.riskgate.RiskGateException;
import io.riskgate.policy.RiskPolicy;
import io.riskgate.report.AssessmentReport;
import io.riskgate.risk.ChangeAssessor;
import io.riskgate.risk.RiskAssessment;
import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jenkins.MasterToSlaveFileCallable;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code assessChange(baseline: 'production')}: scores the change in the workspace from the baseline
 * (a ref, a commit, or an environment meaning "the commit last deployed there successfully") to
 * head, prints a summary, adds the factor table to the build page, and returns the assessment as a
 * map ({@code score}, {@code level}, {@code factors}, {@code metrics}, {@code reversibility}...).
 */
public class AssessChangeStep extends Step {
    private final String baseline;
    private String head = "HEAD";
    private Integer failAbove;

    @DataBoundConstructor
    public AssessChangeStep(String baseline) {
        this.baseline = Util.fixEmptyAndTrim(baseline);
    }

    public String getBaseline() {
        return baseline;
    }

    public String getHead() {
        return head;
    }

    @DataBoundSetter
    public void setHead(String head) {
        this.head = Util.fixEmptyAndTrim(head) == null ? "HEAD" : head.strip();
    }

    public Integer getFailAbove() {
        return failAbove;
    }

    @DataBoundSetter
    public void setFailAbove(Integer failAbove) {
        this.failAbove = failAbove;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    private static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient AssessChangeStep step;

        Execution(StepContext context, AssessChangeStep step) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            FilePath workspace = getContext().get(FilePath.class);
            if (step.baseline == null) {
                throw new AbortException("assessChange needs a baseline: a ref, a commit, or an environment name");
            }
            try {
                String globalYaml = RiskGateConfiguration.get().getPolicy();
                String[] repoPolicy = Policies.repositoryPolicy(workspace);
                RiskPolicy policy = Policies.effective(globalYaml, repoPolicy, listener);
                String base = resolveBaseline(step.baseline, policy, run, listener);
                String json = workspace.act(new Assess(globalYaml, repoPolicy, base, step.head));
                RiskAssessmentAction action = new RiskAssessmentAction(json);
                run.addAction(action);
                Map<String, Object> result = action.getAssessment();
                listener.getLogger().println(Summaries.assessment(action));
                if (step.failAbove != null && action.getScore() > step.failAbove) {
                    throw new AbortException("risk " + action.getScore() + " (" + action.getLevel() + ") is above failAbove: " + step.failAbove);
                }
                return result;
            } catch (RiskGateException e) {
                throw new AbortException(e.getMessage());
            }
        }

        /** An environment name stands for the commit last deployed there successfully; anything else is a ref. */
        private static String resolveBaseline(String baseline, RiskPolicy policy, Run<?, ?> run, TaskListener listener) throws AbortException {
            if (policy.promotion().find(baseline).isEmpty()) {
                return baseline;
            }
            Optional<String> deployed = new PromotionHistory(run).lastSucceededCommit(baseline);
            if (deployed.isEmpty()) {
                throw new AbortException("baseline '" + baseline + "' is an environment, but this job has no successful deployment to it yet:"
                        + " pass a ref or commit as baseline for the first deployment");
            }
            listener.getLogger().println("[riskgate] baseline " + baseline + " = " + deployed.get() + " (its last successful deployment)");
            return deployed.get();
        }
    }

    /** Runs the assessment where the workspace is (on the agent) and returns its JSON. */
    private static final class Assess extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        private final String globalYaml;
        private final String[] repoPolicy;
        private final String base;
        private final String head;

        Assess(String globalYaml, String[] repoPolicy, String base, String head) {
            this.globalYaml = globalYaml;
            this.repoPolicy = repoPolicy;
            this.base = base;
            this.head = head;
        }

        @Override
        public String invoke(File dir, VirtualChannel channel) throws IOException {
            RiskPolicy policy = Policies.effective(globalYaml, repoPolicy, null);
            RiskAssessment assessment = new ChangeAssessor(policy.detection(), policy.scorings(), null).assess(dir.toPath(), base, head);
            return AssessmentReport.toJson(assessment);
        }
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class);
        }

        @Override
        public String getFunctionName() {
            return "assessChange";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Assess the risk of the change (size and reversibility)";
        }
    }

}
