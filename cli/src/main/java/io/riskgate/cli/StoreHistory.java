package io.riskgate.cli;

import io.riskgate.gate.DeploymentHistory;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Outcome;
import io.riskgate.records.RecordQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the record store says was deployed where: the newest successful deployment of an
 * environment (of one pipeline, or of any), and when the newest run of deployments of a commit there
 * began to finish, which is where its soak time starts. Reads at most {@link #DEPTH} records per question.
 */
final class StoreHistory implements DeploymentHistory {
    static final int DEPTH = 200;

    private final ChangeRecordStore store;
    private final String pipeline;

    StoreHistory(ChangeRecordStore store, String pipeline) {
        this.store = store;
        this.pipeline = pipeline;
    }

    @Override
    public Optional<String> lastSucceededCommit(String environment) {
        return newest(environment, 1).stream().findFirst().map(ChangeRecord::commit);
    }

    /** The end of the oldest successful deployment of {@code commit} among the newest ones in a row of that commit. */
    @Override
    public Optional<Instant> succeededAt(String environment, String commit) {
        Instant first = null;
        for (ChangeRecord r : newest(environment, DEPTH)) {
            if (!r.commit().equals(commit)) {
                break;
            }
            first = r.finishedAt();
        }
        return Optional.ofNullable(first);
    }

    private List<ChangeRecord> newest(String environment, int limit) {
        return store.page(new RecordQuery(environment, pipeline, null, null, Outcome.SUCCEEDED, null), 0, limit);
    }
}
