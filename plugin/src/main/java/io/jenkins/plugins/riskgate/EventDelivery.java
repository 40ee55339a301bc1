package io.jenkins.plugins.riskgate;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import io.riskgate.events.DeliveryEvent;
import io.riskgate.events.EventSpool;
import io.riskgate.records.HttpRecordExporter;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * Delivers events to the configured notification webhook with its credentials and the record export's
 * idempotency and retries: each event is first spooled in {@code JENKINS_HOME/riskgate/event-spool}
 * (a small local file, so a controller that stops loses none), then sent from one background thread
 * by core's {@link EventSpool} drain rules; what the webhook did not take is sent again after each new
 * event (one drain at a time), every minute and at start. Without a webhook an event is not spooled (the build page still
 * lists it).
 */
@Restricted(NoExternalUse.class)
public final class EventDelivery {
    private static final Logger LOGGER = Logger.getLogger(EventDelivery.class.getName());
    private static final ExecutorService SENDER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "riskgate event delivery");
        t.setDaemon(true);
        return t;
    });
    private static EventSpool spool;
    /** Whether a drain waits to start. */
    private static final AtomicBoolean QUEUED = new AtomicBoolean();
    /** The events whose build log waits to hear whether they went out, with the spool they wait in. */
    private static final Map<String, Watch> WATCHED = new ConcurrentHashMap<>();

    /** A build log waiting for an event of one spool. */
    private record Watch(TaskListener listener, java.nio.file.Path spool) {
    }

    private EventDelivery() {
    }

    static synchronized EventSpool spool() {
        java.nio.file.Path dir = ChangeRecords.home().resolve("event-spool");
        if (spool == null || !spool.directory().equals(dir)) {
            spool = new EventSpool(dir);
        }
        return spool;
    }

    /** The webhook's exporter, or null when none is configured. */
    private static HttpRecordExporter webhook() {
        RiskGateConfiguration config = RiskGateConfiguration.get();
        return ChangeRecords.exporter(config.getNotifyUrl(), config.getNotifyCredentialsId());
    }

    /**
     * Spools one event for the webhook (when one is configured) and sends what waits, off the caller's
     * thread; with a listener, the build's log says whether this event went out. Never throws.
     */
    public static void send(DeliveryEvent event, TaskListener listener) {
        try {
            if (RiskGateConfiguration.get().getNotifyUrl() == null) {
                return;
            }
            EventSpool s = spool();
            int dropped = s.dropped();
            s.spool(event);
            if (s.dropped() > dropped) {
                LOGGER.warning(() -> "the notification webhook has not taken events for long: the " + (s.dropped() - dropped)
                        + " oldest spooled ones were dropped to keep at most " + EventSpool.CAPACITY);
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.SEVERE, "cannot spool event " + event.id() + " (" + event.type() + ") for the notification webhook", e);
            return;
        }
        if (listener != null) {
            try {
                WATCHED.put(event.id(), new Watch(listener, spool().directory()));
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "cannot watch event " + event.id(), e);
            }
        }
        deliver();
    }

    /**
     * Tells the build logs waiting for events of this spool what its last drain did with them (a drain of another
     * spool, one of a controller home before this one, says nothing about them).
     */
    private static void report(EventSpool spool, EventSpool.Drain drain) {
        for (Map.Entry<String, Watch> w : WATCHED.entrySet()) {
            if (!w.getValue().spool().equals(spool.directory())) {
                continue;
            }
            boolean sent;
            try {
                sent = !spool.contains(w.getKey());
            } catch (IOException e) {
                sent = false;
            }
            if (sent || drain == null || drain.failure() != null) {
                WATCHED.remove(w.getKey());
                printTo(w.getValue().listener(), "[riskgate] " + (sent ? Messages.EventDelivery_Sent(w.getKey())
                        : Messages.EventDelivery_Spooled(w.getKey(), drain == null || drain.failure() == null ? "" : drain.brief())));
            }
        }
    }

    private static void printTo(TaskListener listener, String line) {
        try {
            listener.getLogger().println(line);
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "the build's log is closed", e);
        }
    }

    /** One drain of the spool to the webhook, logged; null without a webhook or when the spool cannot be read. */
    private static EventSpool.Drain drain(EventSpool spool) {
        HttpRecordExporter webhook;
        try {
            webhook = webhook();
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "the notification webhook is misconfigured; events stay spooled", e);
            return null;
        }
        if (webhook == null) {
            return null;
        }
        try {
            EventSpool.Drain drain = spool.drain((id, json) -> webhook.post(id, json, "event " + id));
            if (drain.failure() != null) {
                LOGGER.warning(() -> drain.pending() + " events stay spooled for the notification webhook: " + drain.failure());
            } else if (drain.sent() > 0) {
                LOGGER.fine(() -> "sent " + drain.sent() + " events to the notification webhook");
            }
            return drain;
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "cannot read the events spooled for the notification webhook", e);
            return null;
        }
    }

    /**
     * Sends what waits, in the background: one drain at a time, and at most one more queued behind it
     * (it sends whatever was spooled meanwhile), so a webhook that is down costs one event's retries
     * per drain, not one per event.
     */
    static void deliver() {
        if (QUEUED.compareAndSet(false, true)) {
            SENDER.submit(() -> {
                QUEUED.set(false);
                if (!JenkinsFacade.JENKINS.running()) {
                    return;   // queued before the controller stopped: the events wait in the spool for the next start
                }
                EventSpool s = spool();
                report(s, drain(s));
            });
        }
    }

    /** Waits for the deliveries in flight (tests). */
    static void await() throws InterruptedException, ExecutionException {
        SENDER.submit(() -> { }).get();
    }

    /** At start: events spooled before the controller stopped (or while the webhook was down) go out first. */
    @hudson.init.Initializer(after = hudson.init.InitMilestone.JOB_CONFIG_ADAPTED)
    public static void deliverAtStart() {
        deliver();
    }

    /** Sends spooled events every minute. */
    @Extension
    public static final class Retry extends AsyncPeriodicWork {
        public Retry() {
            super("Deployment Risk Gates spooled events");
        }

        @Override
        public long getRecurrencePeriod() {
            return TimeUnit.MINUTES.toMillis(1);
        }

        @Override
        protected void execute(TaskListener listener) throws IOException {
            if (RiskGateConfiguration.get().getNotifyUrl() != null && spool().pending() > 0) {
                try {
                    SENDER.submit(() -> {
                        EventSpool s = spool();
                        report(s, drain(s));
                    }).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException e) {
                    listener.getLogger().println(Messages.EventDelivery_SpoolFails(String.valueOf(e.getCause())));
                }
            }
        }

        @Override
        protected Level getNormalLoggingLevel() {
            return Level.FINE;
        }
    }
}
