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
import io.riskgate.learning.LearnedModel;
import io.riskgate.learning.LearnedScorer;
import io.riskgate.learning.StoreModels;
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
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code assessChange(baseline: 'production')}: scores the change in the workspace from the baseline
 * (a ref, a commit, or an environment meaning "the commit last deployed there successfully") to
 * head, prints a summary, adds the factor table to the build page, and returns the assessment as a
 * map ({@code score}, {@code level}, {@code model}, {@code factors}, {@code metrics}, {@code reversibility}...).
 * With {@code model: 'auto'} (the default) the score comes from a model learned from the controller's
 * record store once it holds enough outcomes (the global policy's {@code learning:} section); the
 * model is fitted on the controller and sent to the agent as JSON.
 */
public class AssessChangeStep extends Step {
    private final String baseline;
    private String head = "HEAD";
    private Integer failAbove;
    private String model = "auto";

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

    public String getModel() {
        return model;
    }

    /** {@code auto} (the default): a model learned from the record store once it holds enough outcomes; {@code default}: the default score. */
    @DataBoundSetter
    public void setModel(String model) {
        String m = Util.fixEmptyAndTrim(model);
        this.model = m == null ? "auto" : m.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    private static final class Execution extends ShortStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient AssessChangeStep step;

        Execution(StepContext context, AssessChangeStep step) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run(Run<?, ?> run, TaskListener listener, FilePath workspace) throws Exception {
            if (step.baseline == null) {
                throw new AbortException(Messages.AssessChangeStep_NeedsBaseline());
            }
            String failAboveProblem = DescriptorImpl.failAboveProblem(step.failAbove);
            if (failAboveProblem != null) {
                throw new AbortException("assessChange " + failAboveProblem);
            }
            String globalYaml = RiskGateConfiguration.get().getPolicy();
            String[] repoPolicy = Policies.repositoryPolicy(workspace);
            RiskPolicy policy = Policies.effective(globalYaml, repoPolicy, listener);
            if (!step.model.equals("auto") && !step.model.equals("default")) {
                throw new AbortException(Messages.AssessChangeStep_UnknownModel(step.model));
            }
            String base = resolveBaseline(step.baseline, policy, run, listener);
            StoreModels.Choice choice = step.model.equals("default") ? null : RiskModels.choose(policy.learningOrDefaults());
            String json = workspace.act(new Assess(globalYaml, repoPolicy, base, step.head,
                    choice == null || choice.model() == null ? null : choice.model().toJson(), choice == null ? null : choice.reason()));
            RiskAssessmentAction action = new RiskAssessmentAction(json, repoPolicy);
            run.addAction(action);
            Map<String, Object> result = action.stepResult();
            listener.getLogger().println(Summaries.assessment(action));
            if (step.failAbove != null && action.getScore() > step.failAbove) {
                throw new AbortException(Messages.AssessChangeStep_AboveFailAbove(action.getScore(), action.getLevel(), step.failAbove));
            }
            return result;
        }

        /** An environment name stands for the commit last deployed there successfully; anything else is a ref. */
        private static String resolveBaseline(String baseline, RiskPolicy policy, Run<?, ?> run, TaskListener listener) throws AbortException {
            if (policy.promotion().find(baseline).isEmpty()) {
                return baseline;
            }
            Optional<String> deployed = new PromotionHistory(run).lastSucceededCommit(baseline);
            if (deployed.isEmpty()) {
                throw new AbortException(Messages.AssessChangeStep_EnvironmentNeverDeployed(baseline));
            }
            listener.getLogger().println("[riskgate] " + Messages.AssessChangeStep_BaselineFromEnvironment(baseline, deployed.get()));
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
        private final String modelJson;
        private final String modelNote;

        /**
         * @param modelJson the learned model to score with ({@link LearnedModel#toJson()}), or null for the default score
         * @param modelNote why this model, or null
         */
        Assess(String globalYaml, String[] repoPolicy, String base, String head, String modelJson, String modelNote) {
            this.globalYaml = globalYaml;
            this.repoPolicy = repoPolicy;
            this.base = base;
            this.head = head;
            this.modelJson = modelJson;
            this.modelNote = modelNote;
        }

        @Override
        public String invoke(File dir, VirtualChannel channel) throws IOException {
            RiskPolicy policy = Policies.effective(globalYaml, repoPolicy, null);
            LearnedModel model = modelJson == null ? null : LearnedModel.fromJson(modelJson, "of the record store");
            RiskAssessment assessment = new ChangeAssessor(LearnedScorer.forRules(model, policy.scorings()), policy.detection(), null)
                    .assess(dir.toPath(), base, head);
            return AssessmentReport.toJson(assessment, modelNote);
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
            return Messages.AssessChangeStep_DisplayName();
        }

        /** Why a failAbove value cannot be used, or null when it can. */
        static String failAboveProblem(Integer failAbove) {
            return failAbove == null || (failAbove >= 0 && failAbove <= 100) ? null
                    : Messages.AssessChangeStep_FailAboveOutOfRange(String.valueOf(failAbove));
        }

        /** The Snippet Generator's check of failAbove; it acts on nothing, and only who may configure jobs sees it. */
        @org.kohsuke.stapler.verb.POST
        public hudson.util.FormValidation doCheckFailAbove(@org.kohsuke.stapler.AncestorInPath hudson.model.Item item,
                                                           @org.kohsuke.stapler.QueryParameter String value) {
            JenkinsFacade.JENKINS.checkConfigure(item);
            String v = Util.fixEmptyAndTrim(value);
            if (v == null) {
                return hudson.util.FormValidation.ok();
            }
            try {
                String problem = failAboveProblem(Integer.valueOf(v));
                return problem == null ? hudson.util.FormValidation.ok() : hudson.util.FormValidation.error(problem);
            } catch (NumberFormatException e) {
                return hudson.util.FormValidation.error(Messages.AssessChangeStep_FailAboveNotANumber(v));
            }
        }

        /** The models a step may ask for. */
        @org.kohsuke.stapler.verb.POST
        public hudson.util.ListBoxModel doFillModelItems(@org.kohsuke.stapler.AncestorInPath hudson.model.Item item) {
            JenkinsFacade.JENKINS.checkConfigure(item);
            hudson.util.ListBoxModel items = new hudson.util.ListBoxModel();
            items.add(Messages.AssessChangeStep_ModelAuto(), "auto");
            items.add(Messages.AssessChangeStep_ModelDefault(), "default");
            return items;
        }
    }

}
