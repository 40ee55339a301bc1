package io.riskgate.records;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The promotions waiting for approval, kept as they start and stop waiting, so that whoever lists
 * them (the dashboard) reads this index instead of every pipeline's builds. Each person sees the
 * entries of the pipelines {@link Visibility} lets them read, and may decide where it lets them
 * approve. Safe for concurrent use.
 */
public final class WaitingPromotions {
    /** One waiting promotion: its id, its pipeline and build, the environment it waits to enter, since when. */
    public record Entry(String id, String pipeline, int build, String environment, Instant since) {
        public Entry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(pipeline, "pipeline");
            Objects.requireNonNull(environment, "environment");
            Objects.requireNonNull(since, "since");
        }
    }

    /** An entry as one person sees it: whether they may approve or reject it. */
    public record Listed(Entry entry, boolean approvable) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::since).thenComparing(Entry::pipeline)
            .thenComparingInt(Entry::build).thenComparing(Entry::id);

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** The promotion waits (again): listed once, however often it is registered. */
    public void register(Entry entry) {
        entries.put(entry.id(), entry);
    }

    /** The promotion no longer waits (decided, expired, superseded, aborted); whether it was listed. */
    public boolean remove(String id) {
        return entries.remove(id) != null;
    }

    /** The build is gone (deleted): its promotions are no longer listed; how many were. */
    public int removeBuild(String pipeline, int build) {
        return removeIf(e -> e.pipeline().equals(pipeline) && e.build() == build);
    }

    /** The pipeline is gone (deleted), with every build; how many of its promotions were listed. */
    public int removePipeline(String pipeline) {
        return removeIf(e -> e.pipeline().equals(pipeline) || e.pipeline().startsWith(pipeline + "/"));
    }

    /** The pipeline (or a folder holding it) was renamed or moved: its entries follow it. */
    public void renamePipeline(String from, String to) {
        for (Entry e : List.copyOf(entries.values())) {
            String p = e.pipeline();
            if (p.equals(from) || p.startsWith(from + "/")) {
                entries.replace(e.id(), e, new Entry(e.id(), to + p.substring(from.length()), e.build(), e.environment(), e.since()));
            }
        }
    }

    /** The waiting promotions this person may see, the longest waiting first, each saying whether they may decide it. */
    public List<Listed> visibleTo(Visibility visibility) {
        List<Listed> listed = new ArrayList<>();
        entries.values().stream().sorted(ORDER).filter(e -> visibility.maySee(e.pipeline()))
                .forEach(e -> listed.add(new Listed(e, visibility.mayApprove(e.pipeline()))));
        return listed;
    }

    public int size() {
        return entries.size();
    }

    private int removeIf(java.util.function.Predicate<Entry> which) {
        int removed = 0;
        for (Entry e : List.copyOf(entries.values())) {
            if (which.test(e) && entries.remove(e.id(), e)) {
                removed++;
            }
        }
        return removed;
    }
}
