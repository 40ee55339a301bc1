package io.jenkins.plugins.riskgate;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.Secret;
import io.riskgate.records.ChangeRecord;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.security.ACL;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.HttpRecordExporter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import io.riskgate.records.JdbcChangeRecordStore;
import io.riskgate.records.Outcome;
import io.riskgate.records.RecordSpool;
import io.riskgate.records.RecordWriter;
import io.riskgate.records.SharedRecordStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * Writes a change record for every finished promotion into the configured store (embedded H2 in
 * {@code JENKINS_HOME/riskgate/records} by default, or PostgreSQL), off the Pipeline's threads. A
 * write the store refuses is spooled in {@code JENKINS_HOME/riskgate/spool} and retried every five
 * minutes and before every later write: records are never dropped.
 */
@Restricted(NoExternalUse.class)
public final class ChangeRecords {
    private static final Logger LOGGER = Logger.getLogger(ChangeRecords.class.getName());
    /** One writer thread keeps records in order and never blocks a build. */
    static final ExecutorService WRITER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "riskgate change records");
        t.setDaemon(true);
        return t;
    });
    /** Exports wait for a slow endpoint on their own thread, so they never delay the store. */
    private static final ExecutorService EXPORTER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "riskgate change-management export");
        t.setDaemon(true);
        return t;
    });

    private ChangeRecords() {
    }

    static Path home() {
        return JenkinsFacade.JENKINS.rootDir().resolve("riskgate");
    }

    /** The store every request and write of this controller shares, for the current settings. */
    private static SharedRecordStore shared;

    /**
     * The configured store: one open store shared by the dashboard, the steps and the writer (no
     * connection or schema check per request), behind a view whose close() leaves it open. A change
     * of the store settings opens the new store and closes the old one.
     */
    @org.kohsuke.accmod.Restricted(org.kohsuke.accmod.restrictions.NoExternalUse.class)
    public static ChangeRecordStore openStore() {
        RiskGateConfiguration config = RiskGateConfiguration.get();
        String url = config.getStoreUrl();
        String key = url == null ? "embedded:" + home().resolve("records") : url + "\n" + config.getStoreUser();
        SharedRecordStore store;
        synchronized (ChangeRecords.class) {
            if (shared == null || !shared.key().equals(key)) {
                if (shared != null) {
                    shared.close();
                }
                shared = new SharedRecordStore(key, () -> {
                    if (url == null) {
                        return JdbcChangeRecordStore.embedded(home().resolve("records"));
                    }
                    Secret password = config.getStorePassword();
                    return JdbcChangeRecordStore.connect(url, config.getStoreUser(), password == null ? null : password.getPlainText(),
                            storeWait());
                });
            }
            store = shared;
        }
        return store.view();
    }

    /** The system property that sets how long a busy or unreachable database store is waited for, in seconds. */
    static final String STORE_WAIT_PROPERTY = ChangeRecords.class.getName() + ".storeWaitSeconds";

    /** How long to wait for a busy or unreachable database store: {@link #STORE_WAIT_PROPERTY}, read as the command line reads RISKGATE_STORE_WAIT. */
    static java.time.Duration storeWait() {
        return io.riskgate.records.RecordStores.waitOf(jenkins.util.SystemProperties.getString(STORE_WAIT_PROPERTY), STORE_WAIT_PROPERTY);
    }

    static RecordWriter writer() {
        return new RecordWriter(ChangeRecords::openStore, spool());
    }

    /** Where change records wait for the store. */
    static RecordSpool spool() {
        return new RecordSpool(home().resolve("spool"));
    }

    static RecordSpool exportSpool() {
        return new RecordSpool(home().resolve("export-spool"));
    }

    /** The exporter to the configured change-management endpoint, or null when none is configured. */
    static HttpRecordExporter exporter() {
        RiskGateConfiguration config = RiskGateConfiguration.get();
        return exporter(config.getExportUrl(), config.getExportCredentialsId());
    }

    /**
     * An exporter to {@code url} with these credentials and the record export's retries (4 attempts,
     * pauses from 2 s, doubling), or null without a URL: the events' webhook uses the same.
     */
    static HttpRecordExporter exporter(String url, String credentialsId) {
        if (url == null) {
            return null;
        }
        return new HttpRecordExporter(URI.create(url), authorization(credentialsId), 4, Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    static String authorization(String credentialsId) {
        if (credentialsId == null) {
            return null;
        }
        StandardCredentials c = CredentialsMatchers.firstOrNull(CredentialsProvider.lookupCredentialsInItemGroup(StandardCredentials.class,
                JenkinsFacade.JENKINS.root(), ACL.SYSTEM2, List.of()), CredentialsMatchers.withId(credentialsId));
        if (c instanceof StringCredentials token) {
            return "Bearer " + token.getSecret().getPlainText();
        }
        if (c instanceof StandardUsernamePasswordCredentials user) {
            return "Basic " + Base64.getEncoder().encodeToString((user.getUsername() + ":" + user.getPassword().getPlainText())
                    .getBytes(StandardCharsets.UTF_8));
        }
        LOGGER.warning(() -> "the change-management credentials " + credentialsId + " are missing or neither secret text nor username/password");
        return null;
    }

    /** Sends what waits in the export spool, in order; the records stay spooled unless all were taken. */
    private static int sendSpooled(HttpRecordExporter exporter) throws IOException {
        return exportSpool().flush(records -> {
            for (ChangeRecord r : records) {
                exporter.send(r);
            }
        });
    }

    /** Records a finished promotion, in the background; the build log says where it went. */
    static void record(Run<?, ?> run, PromotionRecord promotion, TaskListener listener) {
        ChangeRecord record;
        try {
            record = toRecord(run, promotion);
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "cannot make a change record of " + run + " " + promotion.getEnvironment(), e);
            return;
        }
        try {
            // on disk before anything else: a controller that stops before the writer runs loses nothing
            writer().accept(record);
            if (exporter() != null) {
                exportSpool().spool(record);
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.SEVERE, "cannot spool the change record " + record.id() + " of " + run, e);
        }
        deliver();
        io.jenkins.plugins.riskgate.operations.Telemetry.deployment(record);
        listener.getLogger().println("[riskgate] " + Messages.ChangeRecords_Recorded(record.id(), String.valueOf(record.outcome())));
    }

    @SuppressWarnings("unchecked")
    static ChangeRecord toRecord(Run<?, ?> run, PromotionRecord p) {
        // the assessment of the deployed commit (the latest one), or none: another commit's metrics are not this change's
        RiskAssessmentAction a = null;
        for (RiskAssessmentAction candidate : run.getActions(RiskAssessmentAction.class)) {
            if (candidate.getHead() != null && candidate.getHead().equals(p.getHead())) {
                a = candidate;
            }
        }
        io.riskgate.report.Assessment assessed = a == null ? null : a.assessment();
        Instant started = Instant.ofEpochMilli(p.getStarted() > 0 ? p.getStarted() : p.getRequested());
        Instant finished = Instant.ofEpochMilli(Math.max(p.getFinished(), started.toEpochMilli()));
        StringBuilder approvals = new StringBuilder();
        for (PromotionRecord.Decision d : p.getDecisions()) {
            approvals.append(approvals.length() == 0 ? "" : "\n").append(d.getUser()).append(d.isApproved() ? " APPROVED " : " REJECTED ")
                    .append(Instant.ofEpochMilli(d.getTime())).append(d.getComment() == null ? "" : ": " + d.getComment());
        }
        String root = JenkinsFacade.JENKINS.rootUrl();
        return new ChangeRecord(p.getId(), run.getParent().getFullName(), p.getEnvironment(), p.getHead(),
                assessed == null ? null : assessed.firstCommitTime(), started, finished, outcome(p.getState()),
                p.getScore() < 0 ? null : p.getScore(), p.getLevel(), assessed == null ? null : assessed.model(),
                p.getStartedBy(), root == null ? null : root + run.getUrl(), p.getRunbook(), null, p.getRollbackCommand(),
                p.getState() == PromotionRecord.State.ROLLED_BACK ? finished : null, p.getTestsTotal(), p.getTestsFailed(),
                approvals.length() == 0 ? null : approvals.toString(), assessed == null ? ChangeRecord.Metrics.NONE : assessed.metrics(),
                new ChangeRecord.Verification(p.getVerificationOutcome(),
                        p.getVerificationMillis() == null ? null : p.getVerificationMillis() / 1000));
    }

    private static Outcome outcome(PromotionRecord.State state) {
        return switch (state) {
            case SUCCEEDED -> Outcome.SUCCEEDED;
            case ROLLED_BACK -> Outcome.ROLLED_BACK;
            default -> Outcome.FAILED;
        };
    }

    /** Moves what waits in the spools to the store and the change-management endpoint, off the caller's thread. */
    static void deliver() {
        WRITER.submit(() -> {
            if (!JenkinsFacade.JENKINS.running()) {
                return;   // queued before the controller stopped: the records wait in the spool for the next start
            }
            try {
                int written = writer().retry();
                RecordSpool spool = spool();
                if (spool.pending() > 0) {
                    LOGGER.warning(() -> "the change record store is unavailable; " + pending(spool) + " change records are spooled and will be retried");
                } else if (written > 0) {
                    LOGGER.fine(() -> "wrote " + written + " change records");
                }
            } catch (IOException | RuntimeException e) {
                LOGGER.log(Level.SEVERE, "cannot write the spooled change records", e);
            }
        });
        EXPORTER.submit(() -> {
            HttpRecordExporter exporter = exporter();
            if (exporter == null) {
                return;
            }
            try {
                sendSpooled(exporter);
            } catch (IOException | RuntimeException e) {
                LOGGER.warning(() -> "change records stay spooled for the change-management endpoint: " + e.getMessage());
            }
        });
    }

    private static int pending(RecordSpool spool) {
        try {
            return spool.pending();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits for the records in flight (tests, shutdown). */
    static void drain() throws InterruptedException, java.util.concurrent.ExecutionException {
        WRITER.submit(() -> { }).get();
        EXPORTER.submit(() -> { }).get();
    }

    /** At start: records spooled by the previous run of the controller (or a store that was down) go out first. */
    @hudson.init.Initializer(after = hudson.init.InitMilestone.JOB_CONFIG_ADAPTED)
    public static void deliverAtStart() {
        deliver();
    }

    /**
     * At shutdown: let the writer finish what it has (records are already spooled, so a slow store
     * delays the stop by at most ten seconds and loses nothing), then close the shared store.
     */
    @hudson.init.Terminator
    public static void closeAtShutdown() {
        try {
            WRITER.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOGGER.warning(() -> "change records still spooled at shutdown are written at the next start: " + e);
        }
        synchronized (ChangeRecords.class) {
            if (shared != null) {
                shared.close();
                shared = null;
            }
        }
    }

    /** Retries spooled records every five minutes. */
    @Extension
    public static final class SpoolRetry extends AsyncPeriodicWork {
        public SpoolRetry() {
            super("Deployment Risk Gates spooled change records");
        }

        @Override
        public long getRecurrencePeriod() {
            return TimeUnit.MINUTES.toMillis(5);
        }

        @Override
        protected void execute(TaskListener listener) throws IOException {
            int written = writer().retry();
            if (written > 0) {
                listener.getLogger().println(Messages.ChangeRecords_SpoolWritten(String.valueOf(written)));
            }
            HttpRecordExporter exporter = exporter();
            if (exporter != null && exportSpool().pending() > 0) {
                try {
                    int sent = sendSpooled(exporter);
                    listener.getLogger().println(Messages.ChangeRecords_SpoolSent(String.valueOf(sent)));
                } catch (IOException e) {
                    listener.getLogger().println(Messages.ChangeRecords_EndpointStillFails(e.getMessage()));
                }
            }
        }
    }
}
