package io.riskgate.gate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The promotions of one pipeline into one environment: at most one holds the environment (runs its
 * deployment, verification or rollback), the others wait for a decision or a soak time, or queue for
 * their turn, oldest first. A promotion of a newer build supersedes every promotion of an older
 * build that has not started to deploy, and a promotion of an older build than one already seen is
 * superseded on arrival: an outdated change never deploys after a newer one.
 *
 * <p>Not thread-safe: the caller holds one lock per lane.
 */
public final class EnvironmentLane {
    /** One promotion: its id, its build's number, and when it began to wait (the queue's order). */
    public record Claim(String id, int build, Instant since) {
    }

    /** Where a promotion stands in the lane. */
    public enum Standing { WAITING, QUEUED, HOLDS }

    /**
     * What the arrival of a promotion did.
     *
     * @param supersededBy the newer build that makes this promotion outdated, or 0
     * @param superseded the older promotions this one makes outdated (they leave the lane)
     */
    public record Arrival(int supersededBy, List<Claim> superseded) {
        public boolean outdated() {
            return supersededBy > 0;
        }
    }

    /**
     * Whether a promotion that wants to deploy got the environment.
     *
     * @param holder who holds it when it did not (the promotion waits for its turn), else this one
     * @param position 0 when it holds the environment, else its place in the queue (1 = next)
     */
    public record Turn(boolean granted, Claim holder, int position) {
    }

    private Claim holder;
    private final List<Claim> queue = new ArrayList<>();
    private final Map<String, Claim> waiting = new LinkedHashMap<>();
    private int newest;

    /**
     * A promotion the gate did not block: it waits (approval, soak time) until it asks for its turn.
     * Already-seen ids are not counted twice.
     */
    public Arrival arrive(Claim claim) {
        if (contains(claim.id())) {
            return new Arrival(0, List.of());
        }
        if (claim.build() < newest) {
            return new Arrival(newest, List.of());
        }
        newest = claim.build();
        List<Claim> outdated = new ArrayList<>();
        for (Claim c : new ArrayList<>(waiting.values())) {
            if (c.build() < claim.build()) {
                waiting.remove(c.id());
                outdated.add(c);
            }
        }
        for (Claim c : new ArrayList<>(queue)) {
            if (c.build() < claim.build()) {
                queue.remove(c);
                outdated.add(c);
            }
        }
        waiting.put(claim.id(), claim);
        return new Arrival(0, outdated);
    }

    /** A promotion asks to deploy: it holds the environment when nobody else does, else it queues (oldest first). */
    public Turn take(String id, Instant now) {
        if (holder != null && holder.id().equals(id)) {
            return new Turn(true, holder, 0);
        }
        Claim claim = waiting.remove(id);
        if (claim == null) {
            claim = queue.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
            if (claim == null) {
                throw new IllegalStateException("promotion " + id + " did not arrive in this lane (or was superseded)");
            }
            queue.remove(claim);
        } else {
            claim = new Claim(claim.id(), claim.build(), now);
        }
        if (holder == null && queue.isEmpty()) {
            holder = claim;
            return new Turn(true, holder, 0);
        }
        queue.add(claim);
        queue.sort(ORDER);
        if (holder == null) {
            holder = queue.remove(0);
        }
        return holder.id().equals(id) ? new Turn(true, holder, 0) : new Turn(false, holder, queue.indexOf(claim) + 1);
    }

    /** A promotion settled (or was superseded, aborted): it leaves the lane. Returns the promotion whose turn it is now, if it changed. */
    public Optional<Claim> leave(String id) {
        waiting.remove(id);
        queue.removeIf(c -> c.id().equals(id));
        if (holder != null && holder.id().equals(id)) {
            holder = queue.isEmpty() ? null : queue.remove(0);
            return Optional.ofNullable(holder);
        }
        return Optional.empty();
    }

    /**
     * Removes every promotion whose build is gone ({@code gone} says which), e.g. after a restart; a
     * holder that is gone frees the environment. Returns the promotion whose turn it is now, if it changed.
     */
    public Optional<Claim> evict(Predicate<Claim> gone) {
        waiting.values().removeIf(gone);
        queue.removeIf(gone);
        if (holder != null && gone.test(holder)) {
            holder = queue.isEmpty() ? null : queue.remove(0);
            return Optional.ofNullable(holder);
        }
        if (holder == null && !queue.isEmpty()) {
            holder = queue.remove(0);
            return Optional.of(holder);
        }
        return Optional.empty();
    }

    /**
     * Puts a promotion back where it stood before a restart, without superseding anything: the
     * holder holds again, the queued queue again in their order.
     */
    public void restore(Claim claim, Standing standing) {
        if (contains(claim.id())) {
            return;
        }
        newest = Math.max(newest, claim.build());
        switch (standing) {
            case WAITING -> waiting.put(claim.id(), claim);
            case QUEUED -> {
                queue.add(claim);
                queue.sort(ORDER);
            }
            case HOLDS -> {
                if (holder == null) {
                    holder = claim;
                } else {
                    queue.add(0, claim);
                }
            }
        }
    }

    /** A build that promoted to this environment before (e.g. read from the records after a restart): older ones are outdated. */
    public void seen(int build) {
        newest = Math.max(newest, build);
    }

    public Optional<Claim> holder() {
        return Optional.ofNullable(holder);
    }

    public List<Claim> queue() {
        return List.copyOf(queue);
    }

    public Optional<Standing> standing(String id) {
        if (holder != null && holder.id().equals(id)) {
            return Optional.of(Standing.HOLDS);
        }
        if (waiting.containsKey(id)) {
            return Optional.of(Standing.WAITING);
        }
        return queue.stream().anyMatch(c -> c.id().equals(id)) ? Optional.of(Standing.QUEUED) : Optional.empty();
    }

    public boolean isEmpty() {
        return holder == null && queue.isEmpty() && waiting.isEmpty();
    }

    private boolean contains(String id) {
        return standing(id).isPresent();
    }

    private static final Comparator<Claim> ORDER = Comparator.comparing(Claim::since).thenComparingInt(Claim::build);
}
