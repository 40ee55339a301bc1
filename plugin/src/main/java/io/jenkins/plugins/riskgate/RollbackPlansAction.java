package io.jenkins.plugins.riskgate;

import hudson.model.InvisibleAction;
import io.riskgate.rollback.RollbackPlan;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** The rollback plans this build declared, one per environment (the last declaration wins). */
public class RollbackPlansAction extends InvisibleAction {
    /** A declared plan as build.xml keeps it: strings only. */
    public static final class Plan {
        private final String command;
        private final String runbook;
        private final String lastExercised;

        Plan(String command, String runbook, String lastExercised) {
            this.command = command;
            this.runbook = runbook;
            this.lastExercised = lastExercised;
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

    public synchronized void declare(RollbackPlan plan) {
        plans.put(plan.environment(), new Plan(plan.command(), plan.runbook(),
                plan.lastExercised() == null ? null : plan.lastExercised().toString()));
    }

    public synchronized RollbackPlan planFor(String environment) {
        Plan p = plans.get(environment);
        return p == null ? null : p.toPlan(environment);
    }

    public synchronized Map<String, Plan> getPlans() {
        return new TreeMap<>(plans);
    }
}
