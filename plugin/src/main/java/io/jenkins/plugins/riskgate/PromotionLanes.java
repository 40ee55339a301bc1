package io.jenkins.plugins.riskgate;

import hudson.model.Job;
import hudson.model.Run;
import io.riskgate.gate.EnvironmentLane;
import io.riskgate.gate.PromotionState;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * One {@link EnvironmentLane} per pipeline and environment, in memory: at most one promotion of a
 * job deploys to an environment at a time. A lane is built from the promotion records of the job's
 * running builds the first time it is used (so after a restart it holds what build.xml says), and a
 * holder whose build is no longer running, or whose record settled, frees it.
 */
@Restricted(NoExternalUse.class)
final class PromotionLanes {
    /** How many builds of a job are read to rebuild a lane. */
    static final int DEPTH = PromotionHistory.DEPTH;

    private static final Map<String, EnvironmentLane> LANES = new HashMap<>();
    /** The running executions by record id, to give one its turn or supersede it. */
    private static final Map<String, PromoteStepExecution> EXECUTIONS = new ConcurrentHashMap<>();

    private PromotionLanes() {
    }

    static void register(String recordId, PromoteStepExecution execution) {
        EXECUTIONS.put(recordId, execution);
    }

    static void unregister(String recordId) {
        EXECUTIONS.remove(recordId);
    }

    static PromoteStepExecution execution(String recordId) {
        return EXECUTIONS.get(recordId);
    }

    static String key(String job, String environment) {
        return job + '\n' + environment.toLowerCase(Locale.ROOT);
    }

    /** Runs {@code work} on the lane of {@code job}'s promotions into {@code environment}, under the lanes' lock. */
    static <T> T with(String job, String environment, java.util.function.Function<EnvironmentLane, T> work) {
        synchronized (LANES) {
            EnvironmentLane lane = LANES.computeIfAbsent(key(job, environment), k -> restored(job, environment));
            lane.evict(c -> gone(job, environment, c));
            T result = work.apply(lane);
            if (lane.isEmpty()) {
                LANES.remove(key(job, environment));
            }
            return result;
        }
    }

    /** The lane as the records of the job's builds describe it. */
    private static EnvironmentLane restored(String job, String environment) {
        EnvironmentLane lane = new EnvironmentLane();
        Job<?, ?> j = JenkinsFacade.JENKINS.job(job);
        if (j == null) {
            return lane;
        }
        int seen = 0;
        for (Run<?, ?> run = j.getLastBuild(); run != null && seen < DEPTH; run = run.getPreviousBuild(), seen++) {
            PromotionAction action = run.getAction(PromotionAction.class);
            if (action == null) {
                continue;
            }
            for (PromotionRecord r : action.getRecords()) {
                if (!r.getEnvironment().equalsIgnoreCase(environment) || r.getState() == null) {
                    continue;
                }
                PromotionState state = r.getState().core();
                if (state != PromotionState.BLOCKED && r.getGateOutcome() != null) {
                    lane.seen(run.getNumber());
                }
                if (!run.isBuilding() || state.settled()) {
                    continue;
                }
                EnvironmentLane.Claim claim = new EnvironmentLane.Claim(r.getId(), run.getNumber(),
                        Instant.ofEpochMilli(r.getQueuedSince() > 0 ? r.getQueuedSince() : r.getRequested()));
                lane.restore(claim, state.holdsEnvironment() ? EnvironmentLane.Standing.HOLDS
                        : state == PromotionState.QUEUED ? EnvironmentLane.Standing.QUEUED : EnvironmentLane.Standing.WAITING);
            }
        }
        return lane;
    }

    /** Whether a promotion's build stopped running, or its record settled or disappeared. */
    private static boolean gone(String job, String environment, EnvironmentLane.Claim claim) {
        Job<?, ?> j = JenkinsFacade.JENKINS.job(job);
        Run<?, ?> run = j == null ? null : j.getBuildByNumber(claim.build());
        if (run == null || !run.isBuilding()) {
            return true;
        }
        PromotionAction action = run.getAction(PromotionAction.class);
        PromotionRecord record = action == null ? null : action.get(claim.id());
        // a promotion that arrived but has not saved its record yet is not gone
        return record != null && record.getState() != null && record.getState().finished();
    }

    /** Who holds the lane, for the log and the page. */
    static Optional<EnvironmentLane.Claim> holder(String job, String environment) {
        return with(job, environment, EnvironmentLane::holder);
    }
}
