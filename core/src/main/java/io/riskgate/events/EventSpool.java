package io.riskgate.events;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Events on their way to the webhook, kept as files until it took them, so that a webhook that is
 * down or a controller that stops loses none. The rules of a drain:
 * <ul>
 * <li>Events go out one at a time in the order they were spooled, each as its own JSON document.</li>
 * <li>An event the webhook took is removed at once; the first one it does not take stops the drain,
 * and it and every later event stay, in order, for the next drain (the sender retries within one drain;
 * the id makes a repeated delivery recognisable).</li>
 * <li>An event whose id is already spooled is not spooled again.</li>
 * <li>At most {@code capacity} events wait: beyond that the oldest are dropped (and counted), so a
 * webhook that stays down cannot fill the disk.</li>
 * <li>One drain at a time; spooling never waits for a drain (it never waits for the network).</li>
 * </ul>
 * Each event is one file named by its spool time and id, written atomically: a crash leaves the whole
 * event or none.
 */
public final class EventSpool {
    /** The most events that wait by default. */
    public static final int CAPACITY = 10_000;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private final Path directory;
    private final int capacity;
    private final Object draining = new Object();
    private int dropped;

    public EventSpool(Path directory) {
        this(directory, CAPACITY);
    }

    public EventSpool(Path directory, int capacity) {
        this.directory = directory;
        this.capacity = Math.max(1, capacity);
    }

    public Path directory() {
        return directory;
    }

    /** Takes one event, unless its id waits already. Returns whether it was spooled. */
    public synchronized boolean spool(DeliveryEvent event) throws IOException {
        Files.createDirectories(directory);
        List<Path> files = files();
        String suffix = "-" + event.id() + ".json";
        if (files.stream().anyMatch(f -> f.getFileName().toString().endsWith(suffix))) {
            return false;
        }
        String name = String.format("%013d-%06d%s", System.currentTimeMillis(), SEQUENCE.getAndIncrement() % 1_000_000, suffix);
        Path tmp = Files.createTempFile(directory, ".event", ".tmp");
        Files.write(tmp, event.toJson());
        try {
            Files.move(tmp, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        for (int i = 0; i < files.size() + 1 - capacity; i++) {
            Files.deleteIfExists(files.get(i));
            dropped++;
        }
        return true;
    }

    /** How many events wait. */
    public synchronized int pending() throws IOException {
        return files().size();
    }

    /** Whether the event with this id waits. */
    public synchronized boolean contains(String id) throws IOException {
        String suffix = "-" + id + ".json";
        return files().stream().anyMatch(f -> f.getFileName().toString().endsWith(suffix));
    }

    /** How many events this spool dropped to stay within its capacity. */
    public synchronized int dropped() {
        return dropped;
    }

    /** Where a drain sends the events. */
    @FunctionalInterface
    public interface Sender {
        /** Delivers one event (with its retries), or throws: then it stays spooled. */
        void send(String id, byte[] json) throws IOException;
    }

    /**
     * What one drain did: how many went out, how many still wait, and why the first one that stayed was
     * not taken (null when all went).
     */
    public record Drain(int sent, int pending, String failure) {
        private static final java.util.regex.Pattern STATUS = java.util.regex.Pattern.compile("\\bHTTP (\\d{3})\\b");

        /**
         * The failure as a build's log may show it to whoever reads the build: the HTTP status the
         * endpoint answered, else that it did not answer, never the endpoint's reply or address (they
         * go to the controller's log); null without a failure.
         */
        public String brief() {
            if (failure == null) {
                return null;
            }
            java.util.regex.Matcher m = STATUS.matcher(failure);
            return (m.find() ? "the webhook answered HTTP " + m.group(1) : "the webhook did not answer") + "; the controller's log has the details";
        }
    }

    /** Sends the waiting events in order, as the class describes; never runs two drains at once. */
    public Drain drain(Sender sender) throws IOException {
        synchronized (draining) {
            List<Path> files;
            synchronized (this) {
                files = files();
            }
            int sent = 0;
            String failure = null;
            for (Path f : files) {
                byte[] json;
                try {
                    json = Files.readAllBytes(f);
                } catch (NoSuchFileException e) {
                    continue;   // dropped for the capacity meanwhile
                }
                try {
                    sender.send(idOf(f), json);
                } catch (IOException e) {
                    failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    break;
                }
                Files.deleteIfExists(f);
                sent++;
            }
            return new Drain(sent, pending(), failure);
        }
    }

    private static String idOf(Path file) {
        String name = file.getFileName().toString();
        return name.substring(name.indexOf('-', 14) + 1, name.length() - ".json".length());
    }

    private List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(directory, "[0-9]*-*.json")) {
            s.forEach(files::add);
        }
        files.sort(null);
        return files;
    }
}
