package io.jenkins.plugins.riskgate;

import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.listeners.ItemListener;
import hudson.model.listeners.RunListener;
import io.riskgate.records.WaitingPromotions;
import java.time.Instant;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The promotions of this controller that wait for approval (core's {@link WaitingPromotions}), so the
 * dashboard lists them without walking every job's builds. A promotion is listed when it starts to
 * wait (and again when its build resumes after a restart: the index lives in memory, one per
 * controller) and leaves when it is decided, expires, is superseded or aborted, or its build or job
 * is deleted; a job moved or renamed takes its entries along.
 */
@Extension
@Restricted(NoExternalUse.class)
public class WaitingApprovals {
    private final WaitingPromotions index = new WaitingPromotions();

    /** The controller's index. */
    static WaitingPromotions index() {
        return JenkinsFacade.JENKINS.waitingPromotions();
    }

    /** How many promotions of running builds wait for approval now. */
    public static int count() {
        return index().size();
    }

    WaitingPromotions promotions() {
        return index;
    }

    /** The promotion of {@code run} waits for approval (since {@code since}, epoch ms). */
    static void waiting(Run<?, ?> run, PromotionRecord record, long since) {
        index().register(new WaitingPromotions.Entry(record.getId(), run.getParent().getFullName(), run.getNumber(), record.getEnvironment(),
                Instant.ofEpochMilli(since > 0 ? since : record.getRequested())));
    }

    /** The promotion no longer waits for approval. */
    static void decided(String recordId) {
        if (recordId != null && JenkinsFacade.JENKINS.running()) {
            index().remove(recordId);
        }
    }

    /** A deleted build takes its waiting promotions along. */
    @Extension
    @Restricted(NoExternalUse.class)
    public static final class Builds extends RunListener<Run<?, ?>> {
        @Override
        public void onDeleted(Run<?, ?> run) {
            index().removeBuild(run.getParent().getFullName(), run.getNumber());
        }
    }

    /** A deleted job (or folder) takes its waiting promotions along; a renamed or moved one keeps them under its new name. */
    @Extension
    @Restricted(NoExternalUse.class)
    public static final class Jobs extends ItemListener {
        @Override
        public void onDeleted(Item item) {
            index().removePipeline(item.getFullName());
        }

        @Override
        public void onLocationChanged(Item item, String oldFullName, String newFullName) {
            index().renamePipeline(oldFullName, newFullName);
        }
    }
}
