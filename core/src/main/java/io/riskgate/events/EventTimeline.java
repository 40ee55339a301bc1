package io.riskgate.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The events of one build as its page lists them: the ones the build keeps (a bounded number, the
 * oldest dropped first) and those of the record store (incidents and reviews of its deployments), one
 * per id, in time order.
 */
public final class EventTimeline {
    /** The most events a build keeps and its page lists. */
    public static final int MOST_KEPT = 200;

    private EventTimeline() {
    }

    /** What {@link #add} did: whether it kept the item, and how many old ones it dropped for it. */
    public record Added(boolean added, int dropped) {
    }

    /**
     * Appends an item unless one with its id is kept already, then drops the oldest (the first) items
     * beyond {@code most}.
     */
    public static <T> Added add(List<T> kept, T item, Function<T, String> id, int most) {
        String key = id.apply(item);
        if (kept.stream().anyMatch(k -> id.apply(k).equals(key))) {
            return new Added(false, 0);
        }
        kept.add(item);
        int dropped = 0;
        while (kept.size() > Math.max(1, most)) {
            kept.remove(0);
            dropped++;
        }
        return new Added(true, dropped);
    }

    /**
     * One item per id (the first one seen wins), by time and, at the same time, in the order of
     * {@link DeliveryEvent#TYPES}; the newest {@code most} when there are more.
     */
    public static <T> List<T> ordered(Collection<T> items, Function<T, String> id, Function<T, Instant> at, Function<T, String> type,
                                      int most) {
        Map<String, T> byId = new LinkedHashMap<>();
        for (T item : items) {
            byId.putIfAbsent(id.apply(item), item);
        }
        List<T> list = new ArrayList<>(byId.values());
        list.sort(Comparator.comparing(at).thenComparingInt(t -> rank(type.apply(t))));
        return list.size() <= most ? list : new ArrayList<>(list.subList(list.size() - most, list.size()));
    }

    private static int rank(String type) {
        int i = DeliveryEvent.TYPES.indexOf(type);
        return i < 0 ? DeliveryEvent.TYPES.size() : i;
    }
}
