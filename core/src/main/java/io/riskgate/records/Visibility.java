package io.riskgate.records;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What one person may see of the change records and decide of the waiting promotions, given the
 * pipelines they may read and those they may approve: records, readiness, DORA figures and waiting
 * promotions of readable pipelines only; approve or reject only where they may approve (and read).
 * Whoever administers sees every record, also of pipelines that no longer exist.
 *
 * <p>The dashboard opens for those who administer, who may approve anywhere ({@code approveEverywhere},
 * e.g. a global grant), or who may approve in at least one readable pipeline (a grant on a job or a
 * folder).
 */
public final class Visibility {
    private static final Visibility EVERYTHING = new Visibility(true, null, null, true);

    private final boolean everything;
    private final SortedSet<String> readable;
    private final SortedSet<String> approvable;
    private final boolean approveEverywhere;

    private Visibility(boolean everything, SortedSet<String> readable, SortedSet<String> approvable, boolean approveEverywhere) {
        this.everything = everything;
        this.readable = readable;
        this.approvable = approvable;
        this.approveEverywhere = approveEverywhere;
    }

    /** Everything: every pipeline's records (also of removed pipelines), approval everywhere. */
    public static Visibility everything() {
        return EVERYTHING;
    }

    /**
     * The pipelines a person may read and those they may approve; a pipeline they may approve but not
     * read is neither seen nor decided.
     *
     * @param approveEverywhere whether they hold the approve permission outside any pipeline (globally)
     */
    public static Visibility of(Collection<String> readable, Collection<String> approvable, boolean approveEverywhere) {
        SortedSet<String> read = new TreeSet<>(readable);
        SortedSet<String> approve = new TreeSet<>(approvable);
        approve.retainAll(read);
        return new Visibility(false, Collections.unmodifiableSortedSet(read), Collections.unmodifiableSortedSet(approve), approveEverywhere);
    }

    /** Whether every record is visible, without narrowing by pipeline. */
    public boolean everythingVisible() {
        return everything;
    }

    /** Whether the dashboard opens: administer, approve globally, or approve in some readable pipeline. */
    public boolean opensDashboard() {
        return everything || approveEverywhere || !approvable.isEmpty();
    }

    public boolean maySee(String pipeline) {
        return everything || pipeline != null && readable.contains(pipeline);
    }

    public boolean mayApprove(String pipeline) {
        return everything || pipeline != null && approvable.contains(pipeline);
    }

    /** The readable pipelines, or null when everything is visible. */
    public SortedSet<String> pipelines() {
        return everything ? null : readable;
    }

    /** The query narrowed to the visible pipelines (unchanged when everything is visible). */
    public RecordQuery narrow(RecordQuery query) {
        return everything ? query : query.withPipelines(readable);
    }

    /** The items of a list that belong to a visible pipeline, in their order. */
    public <T> java.util.List<T> visible(Collection<T> items, Function<T, String> pipeline) {
        return items.stream().filter(i -> maySee(pipeline.apply(i))).collect(Collectors.toList());
    }

    @Override
    public String toString() {
        return everything ? "everything" : "read " + readable + ", approve " + approvable + (approveEverywhere ? " (and globally)" : "");
    }
}
