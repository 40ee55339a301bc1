package io.jenkins.plugins.riskgate;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code promote(to: 'production') { sh './deploy.sh production' }}: evaluates the environment's gate
 * before running the body. ALLOW runs it; NEEDS_APPROVAL waits (durably) for a release manager;
 * BLOCK fails with every reason. When the body fails and the policy says so, the declared rollback
 * command runs in the same workspace and the promotion is recorded as ROLLED_BACK.
 */
public class PromoteStep extends Step {
    private final String to;
    private String tests;

    @DataBoundConstructor
    public PromoteStep(String to) {
        this.to = Util.fixEmptyAndTrim(to);
    }

    public String getTo() {
        return to;
    }

    public String getTests() {
        return tests;
    }

    /** JUnit XML report globs in the workspace; by default the test results recorded in this build (junit step). */
    @DataBoundSetter
    public void setTests(String tests) {
        this.tests = Util.fixEmptyAndTrim(tests);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new PromoteStepExecution(context, to, tests);
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            // no node needed: promote may wait outside node {}, with the deployment in node {} inside its body
            return Set.of(Run.class, TaskListener.class);
        }

        @Override
        public String getFunctionName() {
            return "promote";
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Promote to an environment through its deployment risk gate";
        }
    }
}
