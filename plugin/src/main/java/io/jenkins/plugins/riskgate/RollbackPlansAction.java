package io.jenkins.plugins.riskgate;

import hudson.model.InvisibleAction;
import io.riskgate.rollback.RollbackPlan;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/** The rollback plans this build declared, one per environment (the last declaration wins). */
public class RollbackPlansAction extends InvisibleAction {
    /** A declared plan as build.xml keeps it: strings only. */
    public static final class Plan {
        private final String command;
        private final String runbook;
        private final String lastExercised;
        /** Where declareRollback ran (node name, "" for the built-in node, and workspace), or null outside node {}. */
        private final String node;
        private final String workspace;

        Plan(String command, String runbook, String lastExercised, String node, String workspace) {
            this.command = command;
            this.runbook = runbook;
            this.lastExercised = lastExercised;
            this.node = node;
            this.workspace = workspace;
        }

        /** The node the rollback runs on when the promotion itself holds none, or null. */
        public String getNode() {
            return node;
        }

        public String getWorkspace() {
            return workspace;
        }

        public String getCommand() {
            return command;
        }

        public String getRunbook() {
            return runbook;
        }

        public String getLastExercised() {
            return lastExercised;
        }

        RollbackPlan toPlan(String environment) {
            return new RollbackPlan(environment, command, runbook, lastExercised == null ? null : Instant.parse(lastExercised));
        }
    }

    private final Map<String, Plan> plans = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    @Restricted(NoExternalUse.class)
    public synchronized void declare(RollbackPlan plan) {
        declare(plan, null, null);
    }

    /** Declares a plan, and where it was declared: the rollback runs there when the promotion holds no workspace. */
    @Restricted(NoExternalUse.class)
    public synchronized void declare(RollbackPlan plan, String node, String workspace) {
        plans.put(plan.environment(), new Plan(plan.command(), plan.runbook(),
                plan.lastExercised() == null ? null : plan.lastExercised().toString(), node, workspace));
    }

    /** Where the plan of an environment was declared, or null. */
    public synchronized Plan declared(String environment) {
        return plans.get(environment);
    }

    public synchronized RollbackPlan planFor(String environment) {
        Plan p = plans.get(environment);
        return p == null ? null : p.toPlan(environment);
    }

    public synchronized Map<String, Plan> getPlans() {
        return new TreeMap<>(plans);
    }
}
