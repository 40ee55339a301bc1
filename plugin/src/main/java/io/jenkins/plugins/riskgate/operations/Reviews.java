package io.jenkins.plugins.riskgate.operations;

import io.jenkins.plugins.riskgate.ChangeRecords;
import io.riskgate.gate.PendingReview;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.IncidentStore;
import io.riskgate.records.RecordQuery;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/** The record store's failures that wait for a review, as the gate's requireReviewedFailures rule reads them. */
@Restricted(NoExternalUse.class)
public final class Reviews {
    private static final Logger LOGGER = Logger.getLogger(Reviews.class.getName());

    private Reviews() {
    }

    /**
     * The pipeline's failures in an environment without a review, oldest first, read when the gate asks
     * (only where the policy has the rule; the gate runs off the Pipeline's CPS thread).
     */
    public static Function<String, List<PendingReview>> awaiting(String pipeline) {
        return environment -> {
            try (ChangeRecordStore store = ChangeRecords.openStore()) {
                return store.incidents().awaitingReview(new RecordQuery(environment, pipeline, null, null), 100).stream()
                        .map((IncidentStore.AwaitingReview a) -> new PendingReview(a.deploymentId(), a.commit(), a.finishedAt(), a.why()))
                        .toList();
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "cannot read the failures of " + pipeline + " waiting for a review", e);
                throw e;
            }
        };
    }
}
