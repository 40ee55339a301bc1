package io.jenkins.plugins.riskgate;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Computer;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.riskgate.RiskGateException;
import io.riskgate.rollback.RollbackPlan;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code declareRollback(environment: 'production', command: './deploy.sh --rollback', runbook: 'https://...')}:
 * records how to undo a deployment of an environment for this build. The promote step requires it
 * where the policy says so, and runs the command when the deployment fails.
 */
public class DeclareRollbackStep extends Step {
    private final String environment;
    private String command;
    private String runbook;
    private String lastExercised;

    @DataBoundConstructor
    public DeclareRollbackStep(String environment) {
        this.environment = Util.fixEmptyAndTrim(environment);
    }

    public String getEnvironment() {
        return environment;
    }

    public String getCommand() {
        return command;
    }

    @DataBoundSetter
    public void setCommand(String command) {
        this.command = Util.fixEmptyAndTrim(command);
    }

    public String getRunbook() {
        return runbook;
    }

    @DataBoundSetter
    public void setRunbook(String runbook) {
        this.runbook = Util.fixEmptyAndTrim(runbook);
    }

    public String getLastExercised() {
        return lastExercised;
    }

    /** When the rollback last ran or was rehearsed outside this job (a date or an ISO-8601 instant). */
    @DataBoundSetter
    public void setLastExercised(String lastExercised) {
        this.lastExercised = Util.fixEmptyAndTrim(lastExercised);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    private static final class Execution extends ShortStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient DeclareRollbackStep step;

        Execution(StepContext context, DeclareRollbackStep step) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run(Run<?, ?> run, TaskListener listener, FilePath ws) throws Exception {
            // an environment the policy lacks would never be promoted to: say so now, as promote would
            String[] repository = ws == null ? null : Policies.repositoryPolicy(ws);
            if (repository == null) {
                List<RiskAssessmentAction> assessed = run.getActions(RiskAssessmentAction.class);
                repository = assessed.isEmpty() ? null : assessed.get(assessed.size() - 1).repositoryPolicy();
            }
            String known = Policies.environment(Policies.effective(RiskGateConfiguration.get().getPolicy(), repository, null),
                    step.environment == null ? "" : step.environment).name();
            RollbackPlan plan = new RollbackPlan(known, step.command, step.runbook, parse(step.lastExercised));
            Optional<Instant> ranHere = new PromotionHistory(run).lastRollback(plan.environment());
            if (ranHere.isPresent()) {
                plan = plan.exercisedAt(ranHere.get());
            }
            RollbackPlansAction plans = run.getAction(RollbackPlansAction.class);
            if (plans == null) {
                plans = new RollbackPlansAction();
                run.addAction(plans);
            }
            Computer computer = getContext().get(Computer.class);
            plans.declare(plan, ws == null || computer == null ? null : computer.getName(), ws == null ? null : ws.getRemote());
            run.save();
            listener.getLogger().println("[riskgate] " + Messages.DeclareRollbackStep_Declared(plan.environment(),
                    plan.command() != null ? Messages.DeclareRollbackStep_Command(plan.command()) : Messages.DeclareRollbackStep_NoCommand(),
                    plan.runbook() != null ? Messages.DeclareRollbackStep_Runbook(plan.runbook()) : "",
                    plan.lastExercised() != null ? Messages.DeclareRollbackStep_LastExercised(plan.lastExercised()) : Messages.DeclareRollbackStep_NeverExercised()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("environment", plan.environment());
            result.put("command", plan.command());
            result.put("runbook", plan.runbook());
            result.put("lastExercised", plan.lastExercised() == null ? null : plan.lastExercised().toString());
            return result;
        }

        private static Instant parse(String text) throws AbortException {
            if (text == null) {
                return null;
            }
            try {
                return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
            } catch (DateTimeException e) {
                throw new AbortException(Messages.DeclareRollbackStep_BadLastExercised(text));
            }
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
            return "declareRollback";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.DeclareRollbackStep_DisplayName();
        }
    }
}
