package io.riskgate.metrics;

import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.DoraMetrics;
import io.riskgate.records.IncidentMetrics;
import io.riskgate.records.IncidentStore;
import io.riskgate.records.RecordQuery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The delivery measures of each environment of a selection, as the OpenMetrics report and the
 * Jenkins gauges show them: which environments, and each one's DORA measures, incident measures and
 * deployments awaiting a review, all from the store's aggregates.
 *
 * <p>The environments are the query's own when it names one, else those the store's
 * {@link ChangeRecordStore#environments} names for the query (the aggregates, never a read of every
 * record). Those may include one whose only deployment on the window's first or last day fell outside
 * the window: an environment without a deployment the query selects is left out, unless the query
 * names it or the caller keeps it.
 */
public final class EnvironmentMeasures {
    /** One environment's measures; the incident measures and the awaiting count are null for a store that keeps no incidents. */
    public record Of(String environment, DoraMetrics dora, IncidentMetrics incidents, Long awaitingReview) {
    }

    private EnvironmentMeasures() {
    }

    /**
     * The measures of the query's environments, in name order: at most {@code limit} from the store, and
     * of {@code kept} (measured even without a deployment) as many more as make at most twice {@code limit}.
     */
    public static List<Of> of(ChangeRecordStore store, RecordQuery query, int limit, Collection<String> kept) {
        boolean named = query.environment() != null;
        TreeSet<String> environments = new TreeSet<>();
        if (named) {
            environments.add(query.environment());
        } else {
            environments.addAll(store.environments(query, limit));
            for (String env : kept) {
                if (environments.size() >= 2 * limit) {
                    break;
                }
                environments.add(env);
            }
        }
        IncidentStore incidents;
        try {
            incidents = store.incidents();
        } catch (UnsupportedOperationException e) {
            incidents = null;
        }
        List<Of> result = new ArrayList<>();
        for (String env : environments) {
            RecordQuery q = new RecordQuery(env, query.pipeline(), query.since(), query.until(), query.outcome(), query.riskLevel(),
                    query.pipelines());
            DoraMetrics dora = store.dora(q);
            if (!named && dora.deployments() == 0 && !kept.contains(env)) {
                continue;   // named by a day of the window's edges only
            }
            result.add(new Of(env, dora, incidents == null ? null : incidents.metrics(q),
                    incidents == null ? null : incidents.awaitingReviewCount(q)));
        }
        return result;
    }
}
