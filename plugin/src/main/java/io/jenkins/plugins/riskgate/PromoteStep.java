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
 * BLOCK fails with every reason. One promotion of a job deploys to an environment at a time; an
 * older build's waiting promotion is superseded by a newer one. After the body, the verification
 * (policy {@code verify}, or {@code verify:} here) runs; when the body or the verification fails and
 * the policy says so, the declared rollback command runs and the promotion is recorded as ROLLED_BACK.
 */
public class PromoteStep extends Step {
    private final String to;
    private String tests;
    private String verify;
    private String verifyEvery;
    private String verifyFor;
    private String verifyPasses;
    private String verifyTimeout;

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

    public String getVerify() {
        return verify;
    }

    /** A command run in the deployment's workspace after the body succeeded; when it does not pass, the declared rollback runs. */
    @DataBoundSetter
    public void setVerify(String verify) {
        this.verify = Util.fixEmptyAndTrim(verify);
    }

    public String getVerifyEvery() {
        return verifyEvery;
    }

    /** How often the verification runs, like '30s' (the default). */
    @DataBoundSetter
    public void setVerifyEvery(String verifyEvery) {
        this.verifyEvery = Util.fixEmptyAndTrim(verifyEvery);
    }

    public String getVerifyFor() {
        return verifyFor;
    }

    /** How long the verification may take (or, with verifyPasses 'all', must keep passing), like '5m' (the default). */
    @DataBoundSetter
    public void setVerifyFor(String verifyFor) {
        this.verifyFor = Util.fixEmptyAndTrim(verifyFor);
    }

    public String getVerifyPasses() {
        return verifyPasses;
    }

    /** How many passes in a row end the verification (1 by default), or 'all': every check must pass. */
    @DataBoundSetter
    public void setVerifyPasses(String verifyPasses) {
        this.verifyPasses = Util.fixEmptyAndTrim(verifyPasses);
    }

    public String getVerifyTimeout() {
        return verifyTimeout;
    }

    /** How long one check may run before it is stopped and counts as failed. */
    @DataBoundSetter
    public void setVerifyTimeout(String verifyTimeout) {
        this.verifyTimeout = Util.fixEmptyAndTrim(verifyTimeout);
    }

    @Override
    public StepExecution start(StepContext context) {
        String[] verification = verify == null ? null : new String[] {verify, verifyEvery, verifyFor, verifyPasses, verifyTimeout};
        return new PromoteStepExecution(context, to, tests, verification);
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
            return Messages.PromoteStep_DisplayName();
        }
    }
}
