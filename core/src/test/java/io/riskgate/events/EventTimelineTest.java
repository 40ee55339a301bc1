package io.riskgate.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A build's events as its page lists them. */
class EventTimelineTest {
    record Item(String id, String type, Instant at) {
    }

    static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aBuildKeepsEachIdOnceAndDropsTheOldestBeyondItsBound() {
        List<Item> kept = new ArrayList<>();
        assertThat(EventTimeline.add(kept, new Item("a", "gate.decided", T), Item::id, 2)).isEqualTo(new EventTimeline.Added(true, 0));
        assertThat(EventTimeline.add(kept, new Item("a", "gate.decided", T.plusSeconds(1)), Item::id, 2)).isEqualTo(new EventTimeline.Added(false, 0));
        assertThat(EventTimeline.add(kept, new Item("b", "approval.given", T), Item::id, 2)).isEqualTo(new EventTimeline.Added(true, 0));
        assertThat(EventTimeline.add(kept, new Item("c", "deployment.finished", T), Item::id, 2)).isEqualTo(new EventTimeline.Added(true, 1));
        assertThat(kept).extracting(Item::id).containsExactly("b", "c");
    }

    @Test
    void theListIsInTimeOrderThenInTheOrderOfTheTypesOncePerIdAndBounded() {
        List<Item> items = List.of(new Item("d", "deployment.finished", T.plusSeconds(10)), new Item("i", "incident.opened", T.plusSeconds(20)),
                new Item("w", "promotion.waiting", T), new Item("g", "gate.decided", T), new Item("i", "incident.opened", T.plusSeconds(20)));
        assertThat(EventTimeline.ordered(items, Item::id, Item::at, Item::type, 10)).extracting(Item::id).containsExactly("g", "w", "d", "i");
        assertThat(EventTimeline.ordered(items, Item::id, Item::at, Item::type, 2)).extracting(Item::id).containsExactly("d", "i");
    }
}
