package io.jenkins.plugins.riskgate;

import hudson.model.Job;
import hudson.model.Run;
import io.riskgate.gate.DeploymentHistory;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What this job deployed where, read from the promotion records of the current build and of earlier
 * builds (newest first, up to {@link #DEPTH} builds back).
 */
final class PromotionHistory implements DeploymentHistory {
    static final int DEPTH = 200;

    private final Run<?, ?> current;

    PromotionHistory(Run<?, ?> current) {
        this.current = current;
    }

    @Override
    public Optional<String> lastSucceededCommit(String environment) {
        return newest(environment, PromotionRecord.State.SUCCEEDED).map(PromotionRecord::getHead);
    }

    /** The end of the oldest successful deployment of {@code commit} to the environment, among the newest ones of that commit. */
    @Override
    public Optional<Instant> succeededAt(String environment, String commit) {
        Optional<Instant> first = Optional.empty();
        int seen = 0;
        for (Run<?, ?> run = current; run != null && seen < DEPTH; run = run.getPreviousBuild(), seen++) {
            PromotionAction action = run.getAction(PromotionAction.class);
            if (action == null) {
                continue;
            }
            for (PromotionRecord r : action.getRecords()) {
                if (r.getEnvironment().equalsIgnoreCase(environment) && r.getState() == PromotionRecord.State.SUCCEEDED
                        && commit.equals(r.getHead())) {
                    first = Optional.of(Instant.ofEpochMilli(r.getFinished()));
                }
            }
        }
        return first;
    }

    /** When a rollback of the environment last ran successfully: it counts as exercising the plan. */
    Optional<Instant> lastRollback(String environment) {
        return newest(environment, PromotionRecord.State.ROLLED_BACK).map(r -> Instant.ofEpochMilli(r.getFinished()));
    }

    private Optional<PromotionRecord> newest(String environment, PromotionRecord.State state) {
        int seen = 0;
        for (Run<?, ?> run = current; run != null && seen < DEPTH; run = run.getPreviousBuild(), seen++) {
            PromotionAction action = run.getAction(PromotionAction.class);
            if (action == null) {
                continue;
            }
            List<PromotionRecord> records = action.getRecords();
            for (int i = records.size() - 1; i >= 0; i--) {
                PromotionRecord r = records.get(i);
                if (r.getEnvironment().equalsIgnoreCase(environment) && r.getState() == state) {
                    return Optional.of(r);
                }
            }
        }
        return Optional.empty();
    }

    static PromotionHistory of(Job<?, ?> job) {
        return new PromotionHistory(job.getLastBuild());
    }
}
