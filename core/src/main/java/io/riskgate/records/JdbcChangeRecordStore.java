package io.riskgate.records;

import io.riskgate.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Change records in a relational database over JDBC: embedded H2 in a file (zero setup) or
 * PostgreSQL (shared by many controllers). The schema is migrated on open. Writes run in
 * transactions and are retried on transient errors; DORA aggregates are computed by the database,
 * so memory does not grow with the number of records.
 */
public final class JdbcChangeRecordStore implements ChangeRecordStore {
    private enum Dialect { H2, POSTGRESQL }

    /** How long an operation waits for a busy or unreachable store before it gives up, unless told otherwise. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private static final String COLUMNS = "id, pipeline, environment, commit_sha, commit_time, started_at, finished_at, outcome, "
            + "risk_score, risk_level, risk_model, started_by, build_url, runbook_url, pir_url, rollback_command, rollback_exercised_at, "
            + "tests_total, tests_failed, approvals, lines_added, lines_deleted, files, directories, subsystems, entropy, commits, authors, recorded_at, "
            + "developers, age, prior_changes, author_experience, recent_experience, subsystem_experience, fix, "
            + "verification_outcome, verification_seconds";
    private static final int COLUMN_COUNT = COLUMNS.split(",").length;
    /**
     * The embedded store's settings. AUTO_SERVER: the first process to open the file serves it to
     * the others over TCP (automatic mixed mode), so processes share one store. WRITE_DELAY=0: a
     * commit writes its changes to the file before it returns (the default is up to 500 ms later).
     */
    static final String H2_SETTINGS = ";AUTO_SERVER=TRUE;FILE_LOCK=SOCKET;WRITE_DELAY=0;LOCK_TIMEOUT=10000";

    static {
        // the process serving an embedded store listens on the loopback interface only (unless the JVM says otherwise)
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    private final String url;
    private final Properties credentials;
    private final Dialect dialect;
    private final String location;
    private final Path directory;
    private final Duration wait;
    private Connection connection;

    private JdbcChangeRecordStore(String url, Properties credentials, Dialect dialect, String location, Path directory, Duration wait) {
        this.url = url;
        this.credentials = credentials;
        this.dialect = dialect;
        this.location = location;
        this.directory = directory;
        this.wait = wait;
    }

    /** The embedded store in {@code directory} (created if needed): {@code records.mv.db} inside it; waits up to {@link #DEFAULT_WAIT}. */
    public static JdbcChangeRecordStore embedded(Path directory) {
        return embedded(directory, true, DEFAULT_WAIT);
    }

    /**
     * The embedded store in {@code directory}, shared with other processes that open it (automatic
     * mixed mode: the first serves the others).
     *
     * @param create whether to create a store that does not exist; if false, a missing store is an error
     * @param wait how long to wait for a store another process holds or that is busy, before
     *             {@link RecordStoreUnavailableException}
     */
    public static JdbcChangeRecordStore embedded(Path directory, boolean create, Duration wait) {
        if (!create && !Files.exists(directory.resolve("records.mv.db"))) {
            throw new RecordStoreException("there is no record store in " + directory
                    + (Files.isDirectory(directory) ? " (no records.mv.db)" : Files.exists(directory) ? " (it is a file)" : " (no such directory)")
                    + ": check --store, or write records first (riskgate record, riskgate import)");
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new RecordStoreException("cannot create the record store directory " + directory + ": " + AtomicFiles.cause(e), e);
        }
        String file = directory.toAbsolutePath().resolve("records").toString();
        return open("jdbc:h2:file:" + file + H2_SETTINGS, new Properties(), directory.toString(), directory, wait);
    }

    /** A store at a JDBC URL ({@code jdbc:postgresql://...} or {@code jdbc:h2:...}); user and password may be given apart. */
    public static JdbcChangeRecordStore connect(String jdbcUrl, String user, String password) {
        return connect(jdbcUrl, user, password, DEFAULT_WAIT);
    }

    /** As {@link #connect(String, String, String)}, waiting up to {@code wait} for a busy or unreachable server. */
    public static JdbcChangeRecordStore connect(String jdbcUrl, String user, String password, Duration wait) {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return open(jdbcUrl, props, jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***"), null, wait);
    }

    private static JdbcChangeRecordStore open(String url, Properties props, String location, Path directory, Duration wait) {
        Dialect dialect;
        if (url.startsWith("jdbc:h2:")) {
            dialect = Dialect.H2;
        } else if (url.startsWith("jdbc:postgresql:")) {
            dialect = Dialect.POSTGRESQL;
        } else {
            throw new RecordStoreException("unsupported record store '" + location
                    + "': use a directory (embedded H2), a jdbc:postgresql:// URL or a jdbc:h2: URL");
        }
        loadDriver(dialect);
        JdbcChangeRecordStore store = new JdbcChangeRecordStore(url, props, dialect, location, directory, wait);
        try {
            store.retrying("open", false, c -> SchemaMigrations.migrate(c, location, dialect == Dialect.POSTGRESQL));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * Loads the driver class with this library's class loader, which registers it with DriverManager:
     * in containers (Jenkins plugins) the service lookup runs with another class loader and misses it.
     */
    private static void loadDriver(Dialect dialect) {
        String driver = dialect == Dialect.H2 ? "org.h2.Driver" : "org.postgresql.Driver";
        try {
            Class.forName(driver, true, JdbcChangeRecordStore.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new RecordStoreException("the " + dialect + " driver (" + driver + ") is not on the class path", e);
        }
    }

    private synchronized Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url, credentials);
            if (directory != null && serving(connection)) {
                publish();
            }
        }
        return connection;
    }

    /** Whether this process opened the embedded database itself (and serves it to other processes), rather than connecting to one that does. */
    private static boolean serving(Connection c) throws SQLException {
        return c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal;
    }

    /**
     * H2 lets another process read a lock file only once it is two seconds old, so that processes
     * started together would wait for each other in turn. The process that serves the store has
     * written its lock file whole (with its server address) by now, so it dates it back: others
     * connect to it at once.
     */
    private void publish() {
        Path lock = directory.resolve("records.lock.db");
        try {
            Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 10_000));
        } catch (IOException e) {
            // others then wait the two seconds
        }
    }

    /**
     * Before the process that serves an embedded store closes it, the other processes connected to it
     * finish what they do (up to the wait): closing now would break their transactions, which they
     * would retry.
     */
    private void letClientsFinish() {
        if (directory == null || connection == null) {
            return;
        }
        long deadline = System.nanoTime() + Math.min(wait.toNanos(), Duration.ofSeconds(10).toNanos());
        try {
            if (!serving(connection)) {
                return;
            }
            while (System.nanoTime() < deadline) {
                try (java.sql.Statement s = connection.createStatement();
                     ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE SERVER IS NOT NULL")) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            // closing anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Work on the connection, retried on a fresh connection while the store is busy or unreachable, up to the wait. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private synchronized <T> T retrying(String action, boolean write, Work<T> work) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run(connection());
            } catch (SQLException e) {
                StoreErrors.Kind kind = StoreErrors.kind(e);
                reconnect();
                long pause = Math.min(1000, 50L * attempt) + java.util.concurrent.ThreadLocalRandom.current().nextLong(50);
                if (kind == StoreErrors.Kind.BUSY && System.nanoTime() + pause * 1_000_000 < deadline) {
                    pause(pause);
                    continue;
                }
                throw StoreErrors.failure(action, write, location, directory, wait, kind, e);
            }
        }
    }

    @Override
    public String location() {
        return location;
    }

    private JdbcIncidentStore incidents;

    /** The incidents and reviews, in this store's database (schema version 5), on its connection. */
    @Override
    public synchronized IncidentStore incidents() {
        if (incidents == null) {
            incidents = new JdbcIncidentStore(this);
        }
        return incidents;
    }

    /** Work on this store's connection with its retries, for the incidents' tables. */
    synchronized <T> T withConnection(String action, boolean write, Work<T> work) {
        return retrying(action, write, work);
    }

    @Override
    public void save(ChangeRecord record) {
        saveAll(List.of(record));
    }

    @Override
    public int saveAll(Collection<ChangeRecord> records) {
        return write(records).total();
    }

    @Override
    public synchronized Saved write(Collection<ChangeRecord> records) {
        if (records.isEmpty()) {
            return new Saved(0, 0, 0);
        }
        Map<String, ChangeRecord> byId = new LinkedHashMap<>();
        for (ChangeRecord r : records) {
            StoreLimits.check(r);
            byId.put(r.id(), StoreLimits.storedForm(r));
        }
        int repeated = records.size() - byId.size();
        Saved saved = retrying("write to", true, c -> write(c, byId));
        return new Saved(saved.added(), saved.replaced(), saved.unchanged() + repeated);
    }

    private Saved write(Connection c, Map<String, ChangeRecord> records) throws SQLException {
        c.setAutoCommit(false);
        try {
            Map<String, ChangeRecord> stored = existing(c, records.keySet());
            int added = 0;
            int replaced = 0;
            try (PreparedStatement p = c.prepareStatement(upsert())) {
                long now = System.currentTimeMillis();
                int batch = 0;
                for (ChangeRecord r : records.values()) {
                    ChangeRecord before = stored.get(r.id());
                    if (r.equals(before)) {
                        continue;
                    }
                    if (before == null) {
                        added++;
                    } else {
                        replaced++;
                    }
                    bind(p, r, now);
                    p.addBatch();
                    if (++batch % 1000 == 0) {
                        p.executeBatch();
                    }
                }
                if (batch % 1000 != 0) {
                    p.executeBatch();
                }
            }
            c.commit();
            return new Saved(added, replaced, records.size() - added - replaced);
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is replaced; the first error is the one to report
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // a broken connection is replaced on the next use
            }
        }
    }

    /** The stored versions of the records with these ids, read in the write's transaction. */
    private Map<String, ChangeRecord> existing(Connection c, Collection<String> ids) throws SQLException {
        Map<String, ChangeRecord> found = new java.util.HashMap<>();
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> part = all.subList(from, Math.min(all.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(part.size(), "?"));
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM change_record WHERE id IN (" + marks + ")")) {
                for (int i = 0; i < part.size(); i++) {
                    p.setString(i + 1, part.get(i));
                }
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        ChangeRecord r = map(rs);
                        found.put(r.id(), r);
                    }
                }
            }
        }
        return found;
    }

    private String upsert() {
        String marks = String.join(", ", java.util.Collections.nCopies(COLUMN_COUNT, "?"));
        if (dialect == Dialect.H2) {
            return "MERGE INTO change_record (" + COLUMNS + ") KEY (id) VALUES (" + marks + ")";
        }
        StringBuilder update = new StringBuilder();
        for (String column : COLUMNS.split(",\\s*")) {
            if (!column.equals("id") && !column.equals("recorded_at")) {
                update.append(update.length() == 0 ? "" : ", ").append(column).append(" = EXCLUDED.").append(column);
            }
        }
        return "INSERT INTO change_record (" + COLUMNS + ") VALUES (" + marks + ") ON CONFLICT (id) DO UPDATE SET " + update;
    }

    private static void bind(PreparedStatement p, ChangeRecord r, long now) throws SQLException {
        int i = 1;
        p.setString(i++, r.id());
        p.setString(i++, r.pipeline());
        p.setString(i++, r.environment());
        p.setString(i++, r.commit());
        setTime(p, i++, r.commitTime());
        setTime(p, i++, r.startedAt());
        setTime(p, i++, r.finishedAt());
        p.setString(i++, r.outcome().name());
        setInt(p, i++, r.riskScore());
        p.setString(i++, r.riskLevel());
        p.setString(i++, r.riskModel());
        p.setString(i++, r.startedBy());
        p.setString(i++, r.buildUrl());
        p.setString(i++, r.runbookUrl());
        p.setString(i++, r.pirUrl());
        p.setString(i++, r.rollbackCommand());
        setTime(p, i++, r.rollbackExercisedAt());
        setInt(p, i++, r.testsTotal());
        setInt(p, i++, r.testsFailed());
        p.setString(i++, r.approvals());
        ChangeRecord.Metrics m = r.metrics();
        setInt(p, i++, m.linesAdded());
        setInt(p, i++, m.linesDeleted());
        setInt(p, i++, m.files());
        setInt(p, i++, m.directories());
        setInt(p, i++, m.subsystems());
        if (m.entropy() == null) {
            p.setNull(i++, Types.DOUBLE);
        } else {
            p.setDouble(i++, m.entropy());
        }
        setInt(p, i++, m.commits());
        setInt(p, i++, m.authors());
        p.setLong(i++, now);
        setInt(p, i++, m.developers());
        setDouble(p, i++, m.age());
        setInt(p, i++, m.priorChanges());
        setDouble(p, i++, m.authorExperience());
        setDouble(p, i++, m.recentExperience());
        setDouble(p, i++, m.subsystemExperience());
        if (m.fix() == null) {
            p.setNull(i++, Types.BOOLEAN);
        } else {
            p.setBoolean(i++, m.fix());
        }
        p.setString(i++, r.verification().outcome());
        if (r.verification().seconds() == null) {
            p.setNull(i, Types.BIGINT);
        } else {
            p.setLong(i, r.verification().seconds());
        }
    }

    private static void setDouble(PreparedStatement p, int i, Double v) throws SQLException {
        if (v == null) {
            p.setNull(i, Types.DOUBLE);
        } else {
            p.setDouble(i, v);
        }
    }

    private static void setTime(PreparedStatement p, int i, Instant t) throws SQLException {
        if (t == null) {
            p.setNull(i, Types.BIGINT);
        } else {
            p.setLong(i, t.toEpochMilli());
        }
    }

    private static void setInt(PreparedStatement p, int i, Integer v) throws SQLException {
        if (v == null) {
            p.setNull(i, Types.INTEGER);
        } else {
            p.setInt(i, v);
        }
    }

    @Override
    public synchronized Optional<ChangeRecord> find(String id) {
        return read("SELECT " + COLUMNS + " FROM change_record WHERE id = ?", List.of(id), 0, 1).stream().findFirst();
    }

    @Override
    public synchronized long count(RecordQuery query) {
        Where where = Where.of(query, true);
        return retrying("read", false, c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM change_record" + where.sql)) {
                where.bind(p, 1);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public synchronized List<ChangeRecord> page(RecordQuery query, int offset, int limit) {
        Where where = Where.of(query, true);
        return read("SELECT " + COLUMNS + " FROM change_record" + where.sql + " ORDER BY finished_at DESC, id LIMIT ? OFFSET ?",
                where.values, limit, offset);
    }

    private List<ChangeRecord> read(String sql, List<Object> values, int limit, int offset) {
        return retrying("read", false, c -> {
            List<ChangeRecord> result = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(sql)) {
                int i = bindAll(p, values, 1);
                if (sql.endsWith("LIMIT ? OFFSET ?")) {
                    p.setInt(i++, limit);
                    p.setInt(i, offset);
                }
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        result.add(map(rs));
                    }
                }
            }
            return result;
        });
    }

    @Override
    public synchronized void forEach(RecordQuery query, Consumer<ChangeRecord> consumer) {
        Where where = Where.of(query, true);
        long[] delivered = {0};
        retrying("read", false, c -> {
            if (delivered[0] > 0) {
                // the consumer has seen part of the records: a retry would hand them over twice
                throw new SQLNonTransientException("the connection to the record store broke while reading", "08006");
            }
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);   // PostgreSQL streams with a fetch size only inside a transaction
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM change_record" + where.sql + " ORDER BY finished_at, id")) {
                p.setFetchSize(1000);
                where.bind(p, 1);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        delivered[0]++;
                        consumer.accept(map(rs));
                    }
                }
            } finally {
                c.commit();
                c.setAutoCommit(auto);
            }
            return null;
        });
    }

    private static ChangeRecord map(ResultSet rs) throws SQLException {
        return new ChangeRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), time(rs, 5), time(rs, 6),
                time(rs, 7), Outcome.valueOf(rs.getString(8)), integer(rs, 9), rs.getString(10), rs.getString(11), rs.getString(12),
                rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16), time(rs, 17), integer(rs, 18), integer(rs, 19),
                rs.getString(20), new ChangeRecord.Metrics(integer(rs, 21), integer(rs, 22), integer(rs, 23), integer(rs, 24),
                integer(rs, 25), decimal(rs, 26), integer(rs, 27), integer(rs, 28), integer(rs, 30), decimal(rs, 31), integer(rs, 32),
                decimal(rs, 33), decimal(rs, 34), decimal(rs, 35), bool(rs, 36)),
                new ChangeRecord.Verification(rs.getString(37), longValue(rs, 38)));
    }

    private static Long longValue(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static Boolean bool(ResultSet rs, int i) throws SQLException {
        boolean v = rs.getBoolean(i);
        return rs.wasNull() ? null : v;
    }

    private static Instant time(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static Integer integer(ResultSet rs, int i) throws SQLException {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
    }

    private static Double decimal(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }

    @Override
    public synchronized DoraMetrics dora(RecordQuery query) {
        return retrying("read", false, c -> dora(c, query));
    }

    private DoraMetrics dora(Connection c, RecordQuery query) throws SQLException {
        Where where = Where.of(query, true);
        long deployments;
        long successful;
        long first;
        long last;
        long leadTimes;
        Double median;
        // one scan: counts, window and the lead-time median (which skips the NULLs of failures and of records without a commit time)
        String leadTime = "CASE WHEN outcome = 'SUCCEEDED' AND commit_time IS NOT NULL THEN finished_at - commit_time END";
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN outcome = 'SUCCEEDED' THEN 1 ELSE 0 END),"
                + " MIN(finished_at), MAX(finished_at), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY " + leadTime + "),"
                + " COUNT(" + leadTime + ") FROM change_record" + where.sql)) {
            where.bind(p, 1);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                deployments = rs.getLong(1);
                successful = rs.getLong(2);
                first = rs.getLong(3);
                last = rs.getLong(4);
                double m = rs.getDouble(5);
                median = rs.wasNull() ? null : m;
                leadTimes = rs.getLong(6);
            }
        }
        Double p90 = leadTimes == 0 ? null : nearestRank(c, where, leadTimes, 90);
        Double restoreMedian = timeToRestoreMedian(c, query);
        Instant since = query.since() != null ? query.since() : deployments == 0 ? null : Instant.ofEpochMilli(first);
        // a window that holds no deployment (a since after the newest record) ends where it starts
        Instant until = query.until() != null ? query.until() : deployments == 0 ? since : Instant.ofEpochMilli(last);
        double days = since == null || until == null ? 0 : (until.toEpochMilli() - since.toEpochMilli()) / 86_400_000.0;
        if (query.since() == null || query.until() == null) {
            days = Math.max(1.0, days);
        }
        double frequency = days <= 0 ? 0 : successful / days;
        Double cfr = deployments == 0 ? null : (double) (deployments - successful) / deployments;
        return new DoraMetrics(deployments, successful, deployments - successful, since, until, days, frequency,
                seconds(median), seconds(p90), seconds(restoreMedian), cfr);
    }

    /**
     * The nearest-rank percentile of the lead times: the ⌈percent/100 · n⌉-th smallest, the same on
     * every database (H2's PERCENTILE_DISC picks a lower rank than PostgreSQL's for some counts).
     */
    private static Double nearestRank(Connection c, Where where, long count, int percent) throws SQLException {
        long rank = Math.max(1, (count * percent + 99) / 100);
        try (PreparedStatement p = c.prepareStatement("SELECT finished_at - commit_time FROM change_record"
                + where.and("outcome = 'SUCCEEDED' AND commit_time IS NOT NULL") + " ORDER BY finished_at - commit_time LIMIT 1 OFFSET ?")) {
            int i = where.bind(p, 1);
            p.setLong(i, rank - 1);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? (double) rs.getLong(1) : null;
            }
        }
    }

    private static final long WEEK_MILLIS = java.time.Duration.ofDays(7).toMillis();
    /** 1970-01-05T00:00Z, the first Monday after the epoch. */
    private static final long MONDAY_MILLIS = java.time.Duration.ofDays(4).toMillis();

    @Override
    public synchronized List<TrendPoint> trend(RecordQuery query, java.time.Duration bucket) {
        long size = bucket.toMillis();
        // buckets of whole weeks start on Mondays (the epoch was a Thursday), others at the epoch
        long offset = size % WEEK_MILLIS == 0 ? MONDAY_MILLIS : 0;
        Where where = Where.of(query, true);
        String b = "FLOOR((finished_at - " + offset + ") / " + size + ")";
        return retrying("read", false, c -> {
            List<TrendPoint> points = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT " + b + " AS bucket, COUNT(*),"
                    + " SUM(CASE WHEN outcome <> 'SUCCEEDED' THEN 1 ELSE 0 END),"
                    + " PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY CASE WHEN outcome = 'SUCCEEDED' THEN finished_at - commit_time END)"
                    + " FROM change_record" + where.sql + " GROUP BY " + b + " ORDER BY bucket")) {
                where.bind(p, 1);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        double lead = rs.getDouble(4);
                        Double median = rs.wasNull() ? null : lead / 1000.0;
                        points.add(new TrendPoint(Instant.ofEpochMilli(rs.getLong(1) * size + offset), rs.getLong(2), rs.getLong(3), median));
                    }
                }
            }
            return points;
        });
    }

    /**
     * The median milliseconds from each failure finished in the window to the next success of its
     * pipeline and environment (at any later time). One pass over the records in (pipeline,
     * environment, finish time) order, served by an index: the failures waiting for their success
     * are kept, and one number per restored failure for the exact median, nothing per record.
     */
    private Double timeToRestoreMedian(Connection c, RecordQuery query) throws SQLException {
        Where scope = Where.of(query.anyTime(), true);
        long since = query.since() == null ? Long.MIN_VALUE : query.since().toEpochMilli();
        long until = query.until() == null ? Long.MAX_VALUE : query.until().toEpochMilli();
        long[] waiting = new long[16];
        int waitingCount = 0;
        double[] restored = new double[1024];
        int restoredCount = 0;
        String pipeline = null;
        String environment = null;
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);   // PostgreSQL streams with a fetch size only inside a transaction
        try (PreparedStatement p = c.prepareStatement("SELECT pipeline, environment, finished_at, outcome FROM change_record"
                + scope.sql + " ORDER BY pipeline, environment, finished_at")) {
            p.setFetchSize(1000);
            scope.bind(p, 1);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    String pl = rs.getString(1);
                    String env = rs.getString(2);
                    long finished = rs.getLong(3);
                    if (!pl.equals(pipeline) || !env.equals(environment)) {
                        pipeline = pl;
                        environment = env;
                        waitingCount = 0;
                    }
                    if (!"SUCCEEDED".equals(rs.getString(4))) {
                        if (finished >= since && finished < until) {
                            if (waitingCount == waiting.length) {
                                waiting = java.util.Arrays.copyOf(waiting, waitingCount * 2);
                            }
                            waiting[waitingCount++] = finished;
                        }
                        continue;
                    }
                    int kept = 0;
                    for (int i = 0; i < waitingCount; i++) {
                        if (waiting[i] < finished) {
                            if (restoredCount == restored.length) {
                                restored = java.util.Arrays.copyOf(restored, restoredCount * 2);
                            }
                            restored[restoredCount++] = finished - waiting[i];
                        } else {
                            waiting[kept++] = waiting[i];   // finished at the same moment: not restored by this one
                        }
                    }
                    waitingCount = kept;
                }
            }
        } finally {
            c.commit();
            c.setAutoCommit(auto);
        }
        if (restoredCount == 0) {
            return null;
        }
        java.util.Arrays.sort(restored, 0, restoredCount);
        int mid = restoredCount / 2;
        return restoredCount % 2 == 1 ? restored[mid] : (restored[mid - 1] + restored[mid]) / 2;
    }

    private static Double seconds(Double millis) {
        return millis == null ? null : millis / 1000.0;
    }

    /** A WHERE clause for a query and the values to bind. */
    private record Where(String sql, List<Object> values) {
        static Where of(RecordQuery q, boolean window) {
            return of(q, window, "");
        }

        /** The clause with column names prefixed by a table alias ({@code "f."}). */
        static Where of(RecordQuery q, boolean window, String alias) {
            List<String> parts = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            if (q.environment() != null) {
                parts.add(alias + "environment = ?");
                values.add(q.environment());
            }
            if (q.pipeline() != null) {
                parts.add(alias + "pipeline = ?");
                values.add(q.pipeline());
            }
            if (q.pipelines() != null) {
                // a person's visible pipelines: one bound value per name; none visible selects nothing
                parts.add(q.pipelines().isEmpty() ? "1 = 0"
                        : alias + "pipeline IN (" + String.join(", ", java.util.Collections.nCopies(q.pipelines().size(), "?")) + ")");
                values.addAll(q.pipelines());
            }
            if (window && q.since() != null) {
                parts.add(alias + "finished_at >= ?");
                values.add(q.since().toEpochMilli());
            }
            if (window && q.until() != null) {
                parts.add(alias + "finished_at < ?");
                values.add(q.until().toEpochMilli());
            }
            if (window && q.outcome() != null) {
                parts.add(alias + "outcome = ?");
                values.add(q.outcome().name());
            }
            if (window && q.riskLevel() != null) {
                parts.add(alias + "risk_level = ?");
                values.add(q.riskLevel());
            }
            return new Where(parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts), values);
        }

        String and(String condition) {
            return sql.isEmpty() ? " WHERE " + condition : sql + " AND " + condition;
        }

        int bind(PreparedStatement p, int from) throws SQLException {
            return bindAll(p, values, from);
        }
    }

    private static int bindAll(PreparedStatement p, List<Object> values, int from) throws SQLException {
        int i = from;
        for (Object v : values) {
            if (v instanceof Long l) {
                p.setLong(i++, l);
            } else {
                p.setString(i++, (String) v);
            }
        }
        return i;
    }

    private void reconnect() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // a broken connection is replaced on the next attempt
        }
        connection = null;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecordStoreUnavailableException("interrupted while waiting for the record store", e);
        }
    }

    @Override
    public synchronized void close() {
        letClientsFinish();
        reconnect();
    }
}
