package io.jenkins.plugins.riskgate;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.riskgate.RiskGateException;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The one execution of the short steps ({@code assessChange}, {@code declareRollback},
 * {@code recordDeployment}): they run off the CPS VM thread, get the build, its log and (inside
 * {@code node}) the workspace, return a plain map to the script, and turn a refusal from core
 * ({@link RiskGateException}) into a step failure with its one-line message. A step's execution only
 * implements {@link #run(Run, TaskListener, FilePath)}.
 */
@Restricted(NoExternalUse.class)
abstract class ShortStepExecution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;

    ShortStepExecution(StepContext context) {
        super(context);
    }

    @Override
    protected final Map<String, Object> run() throws Exception {
        StepContext context = getContext();
        try {
            return run(context.get(Run.class), context.get(TaskListener.class), context.get(FilePath.class));
        } catch (RiskGateException e) {
            throw new AbortException(e.getMessage());
        }
    }

    /**
     * What the step does and returns (plain maps, lists, strings and numbers only).
     *
     * @param workspace the workspace, or null outside {@code node}
     */
    protected abstract Map<String, Object> run(Run<?, ?> run, TaskListener listener, FilePath workspace) throws Exception;
}
