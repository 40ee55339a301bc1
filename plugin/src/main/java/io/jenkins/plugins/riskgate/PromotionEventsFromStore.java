package io.jenkins.plugins.riskgate;

import hudson.model.Run;
import io.riskgate.events.DeliveryEvent;
import io.riskgate.events.EventTimeline;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Incident;
import io.riskgate.records.IncidentStore;
import io.riskgate.records.Review;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The events of a build that the record store holds: the incidents linked to its deployments (opened,
 * and resolved once they are) and their reviews, with the same ids as the events the webhook got.
 */
final class PromotionEventsFromStore {
    private static final Logger LOGGER = Logger.getLogger(PromotionEventsFromStore.class.getName());

    private PromotionEventsFromStore() {
    }

    /** At most {@link EventTimeline#MOST_KEPT} events; none when the store cannot be read (logged). */
    static List<PromotionEvent> of(Run<?, ?> run, List<PromotionRecord> deployments) {
        Map<String, PromotionRecord> byId = new LinkedHashMap<>();
        for (PromotionRecord r : deployments) {
            if (r.getState() != null && r.getStarted() > 0) {
                byId.put(r.getId(), r);
            }
        }
        List<PromotionEvent> events = new ArrayList<>();
        if (byId.isEmpty()) {
            return events;
        }
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            IncidentStore incidents = store.incidents();
            for (List<Incident> linked : incidents.forDeployments(byId.keySet()).values()) {
                for (Incident i : linked) {
                    events.add(new PromotionEvent(DeliveryEvent.incidentOpened(i).ofBuild(run.getNumber())));
                    if (!i.open()) {
                        events.add(new PromotionEvent(DeliveryEvent.incidentResolved(i).ofBuild(run.getNumber())));
                    }
                }
            }
            for (PromotionRecord r : byId.values()) {
                Review review = incidents.review(r.getId()).orElse(null);
                if (review != null) {
                    events.add(new PromotionEvent(DeliveryEvent.reviewAdded(review, run.getParent().getFullName(), r.getEnvironment())
                            .ofBuild(run.getNumber())));
                }
            }
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "cannot read the incidents and reviews of " + run, e);
        }
        return events.size() <= EventTimeline.MOST_KEPT ? events : events.subList(0, EventTimeline.MOST_KEPT);
    }
}
