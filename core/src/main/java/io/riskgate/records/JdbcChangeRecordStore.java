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
import java.util.TreeMap;
import java.sql.Statement;
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
     * MAX_COMPACT_TIME=0: closing leaves the file as it is. H2 would otherwise move the file's chunks
     * for up to a set time on every close: seconds on a large file, without shrinking it, and that
     * move tripped an internal check of H2's (run with assertions on) that left a file its own full
     * compaction could not read. {@link #compact()} shrinks the file.
     */
    static final String H2_SETTINGS = ";AUTO_SERVER=TRUE;FILE_LOCK=SOCKET;WRITE_DELAY=0;LOCK_TIMEOUT=10000;MAX_COMPACT_TIME=0";

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
    private final Aggregates aggregates;
    /** Selections of at most this many deployments get their percentiles from the records (exact); larger ones from the histograms. */
    private long exactLimit = 10_000;

    private JdbcChangeRecordStore(String url, Properties credentials, Dialect dialect, String location, Path directory, Duration wait) {
        this.url = url;
        this.credentials = credentials;
        this.dialect = dialect;
        this.location = location;
        this.directory = directory;
        this.wait = wait;
        this.aggregates = new Aggregates(dialect == Dialect.POSTGRESQL);
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
            connection = directory == null ? DriverManager.getConnection(url, credentials)
                    : OpenGuard.connecting(directory, () -> DriverManager.getConnection(url, credentials));
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
                if (clients(connection) == 0) {
                    return;
                }
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            // closing anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many other processes are connected to the embedded store this process serves. */
    private static long clients(Connection c) throws SQLException {
        try (java.sql.Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE SERVER IS NOT NULL")) {
            rs.next();
            return rs.getLong(1);
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

    /** Whether this is an embedded store (a directory), which {@link #compact()} can shrink. */
    public boolean isEmbedded() {
        return directory != null;
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
        java.util.Set<Aggregates.Cell> cells = new java.util.TreeSet<>();
        for (ChangeRecord r : records.values()) {
            cells.add(Aggregates.cell(r));
        }
        aggregates.ensureCells(c, cells);
        c.setAutoCommit(false);
        try {
            aggregates.lock(c, cells);
            Map<String, Aggregates.Stored> stored = existing(c, records.keySet());
            java.util.Set<Aggregates.Cell> more = new java.util.TreeSet<>();
            for (Aggregates.Stored before : stored.values()) {
                if (!cells.contains(Aggregates.cell(before.record()))) {
                    more.add(Aggregates.cell(before.record()));
                }
            }
            if (!more.isEmpty()) {
                // a record moves to another pipeline or environment: that one's aggregates change too
                c.commit();
                c.setAutoCommit(true);
                aggregates.ensureCells(c, more);
                c.setAutoCommit(false);
                cells.addAll(more);
                aggregates.lock(c, cells);
                stored = existing(c, records.keySet());
                for (Aggregates.Stored before : stored.values()) {
                    if (!cells.contains(Aggregates.cell(before.record()))) {
                        throw new java.sql.SQLTransientException("a record moved while it was written", "40001");
                    }
                }
            }
            int added = 0;
            int replaced = 0;
            Aggregates.Deltas deltas = new Aggregates.Deltas();
            Map<Aggregates.Cell, java.util.TreeSet<Long>> successTimes = new java.util.HashMap<>();
            Map<Aggregates.Cell, Map<String, Long>> newFailures = new java.util.HashMap<>();
            // pipelines and environments where this write replaces a record: their restore times are recomputed after the write
            java.util.Set<Aggregates.Cell> rewritten = new java.util.HashSet<>();
            Map<Aggregates.Cell, List<ChangeRecord>> inserted = new java.util.HashMap<>();
            for (ChangeRecord r : records.values()) {
                Aggregates.Stored before = stored.get(r.id());
                if (before == null) {
                    inserted.computeIfAbsent(Aggregates.cell(r), k -> new ArrayList<>()).add(r);
                } else if (!r.equals(before.record())) {
                    rewritten.add(Aggregates.cell(r));
                    rewritten.add(Aggregates.cell(before.record()));
                }
            }
            Map<String, Long> restoredAt = new java.util.HashMap<>();
            inserted.keySet().removeAll(rewritten);
            restoredAt.putAll(aggregates.restoreBeforeInsert(c, inserted, deltas));
            try (PreparedStatement insert = c.prepareStatement(insert()); PreparedStatement update = c.prepareStatement(update())) {
                long now = System.currentTimeMillis();
                int inserts = 0;
                int updates = 0;
                for (ChangeRecord r : records.values()) {
                    Aggregates.Stored before = stored.get(r.id());
                    if (before != null && r.equals(before.record())) {
                        continue;
                    }
                    boolean late = rewritten.contains(Aggregates.cell(r));
                    if (before == null) {
                        added++;
                        bind(insert, r, now, false);
                        Long restored = restoredAt.get(r.id());
                        if (restored == null) {
                            insert.setNull(COLUMN_COUNT + 1, Types.BIGINT);
                        } else {
                            insert.setLong(COLUMN_COUNT + 1, restored);
                        }
                        insert.addBatch();
                        if (++inserts % 1000 == 0) {
                            insert.executeBatch();
                        }
                    } else {
                        replaced++;
                        ChangeRecord old = before.record();
                        deltas.add(old, before.restoredAt(), -1);
                        if (old.outcome() == Outcome.SUCCEEDED) {
                            successTimes.computeIfAbsent(Aggregates.cell(old), k -> new java.util.TreeSet<>()).add(old.finishedAt().toEpochMilli());
                        }
                        bind(update, r, 0, true);
                        update.addBatch();
                        if (++updates % 1000 == 0) {
                            update.executeBatch();
                        }
                    }
                    deltas.add(r, null, 1);
                    if (late) {
                        if (r.outcome() == Outcome.SUCCEEDED) {
                            successTimes.computeIfAbsent(Aggregates.cell(r), k -> new java.util.TreeSet<>()).add(r.finishedAt().toEpochMilli());
                        } else {
                            newFailures.computeIfAbsent(Aggregates.cell(r), k -> new java.util.HashMap<>()).put(r.id(), r.finishedAt().toEpochMilli());
                        }
                    }
                }
                if (inserts % 1000 != 0) {
                    insert.executeBatch();
                }
                if (updates % 1000 != 0) {
                    update.executeBatch();
                }
            } catch (SQLException e) {
                if (duplicate(e)) {
                    // another process added one of these ids since they were read: write again, replacing it
                    throw new java.sql.SQLTransientException("a record was added by another process meanwhile", "40001", e);
                }
                throw e;
            }
            for (Aggregates.Cell cell : cells) {
                java.util.TreeSet<Long> times = successTimes.getOrDefault(cell, new java.util.TreeSet<>());
                Map<String, Long> failures = newFailures.getOrDefault(cell, Map.of());
                if (!times.isEmpty() || !failures.isEmpty()) {
                    aggregates.restore(c, cell, times, failures, deltas);
                }
            }
            aggregates.apply(c, deltas);
            c.commit();
            return new Saved(added, replaced, records.size() - added - replaced);
        } catch (SQLException | RuntimeException e) {
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

    private static boolean duplicate(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if ("23505".equals(x.getSQLState())) {
                return true;
            }
            if (x.getNextException() == x) {
                break;
            }
        }
        return e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState());
    }

    /**
     * Sets a record's {@code pirUrl} to a review's URL in the caller's transaction, with the record's
     * aggregates (a reviewed failure counts in its day, week and month): the pipeline and environment
     * are locked as by a write.
     */
    void linkReview(Connection c, String id, String url) throws SQLException {
        Aggregates.Cell cell;
        try (PreparedStatement p = c.prepareStatement("SELECT pipeline, environment FROM change_record WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                cell = new Aggregates.Cell(rs.getString(1), rs.getString(2));
            }
        }
        // the cell first, then the record, as writes take them
        aggregates.lock(c, java.util.Set.of(cell));
        Aggregates.Stored before = existing(c, List.of(id)).get(id);
        if (before == null || java.util.Objects.equals(before.record().pirUrl(), url)) {
            return;
        }
        if (!Aggregates.cell(before.record()).equals(cell)) {
            throw new java.sql.SQLTransientException("a record moved while its review was written", "40001");
        }
        ChangeRecord r = before.record();
        ChangeRecord after = new ChangeRecord(r.id(), r.pipeline(), r.environment(), r.commit(), r.commitTime(), r.startedAt(),
                r.finishedAt(), r.outcome(), r.riskScore(), r.riskLevel(), r.riskModel(), r.startedBy(), r.buildUrl(), r.runbookUrl(),
                url, r.rollbackCommand(), r.rollbackExercisedAt(), r.testsTotal(), r.testsFailed(), r.approvals(), r.metrics());
        try (PreparedStatement p = c.prepareStatement("UPDATE change_record SET pir_url = ? WHERE id = ?")) {
            p.setString(1, url);
            p.setString(2, id);
            p.executeUpdate();
        }
        Aggregates.Deltas deltas = new Aggregates.Deltas();
        deltas.add(before.record(), before.restoredAt(), -1);
        deltas.add(after, before.restoredAt(), 1);
        aggregates.apply(c, deltas);
    }

    /** The stored versions of the records with these ids and their restore times, read and locked in the write's transaction. */
    private Map<String, Aggregates.Stored> existing(Connection c, Collection<String> ids) throws SQLException {
        Map<String, Aggregates.Stored> found = new java.util.HashMap<>();
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> part = all.subList(from, Math.min(all.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(part.size(), "?"));
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + ", restored_at FROM change_record WHERE id IN (" + marks
                    + ") FOR UPDATE")) {
                if (dialect == Dialect.POSTGRESQL) {
                    // planned for its ids each time: a plan kept from when the table was small (an import into a new store)
                    // reads the whole table for every 500 ids
                    p.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
                }
                for (int i = 0; i < part.size(); i++) {
                    p.setString(i + 1, part.get(i));
                }
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        ChangeRecord r = map(rs);
                        long restored = rs.getLong(COLUMN_COUNT + 1);
                        found.put(r.id(), new Aggregates.Stored(r, rs.wasNull() ? null : restored));
                    }
                }
            }
        }
        return found;
    }

    /** The columns in {@link #COLUMNS} order, then the restore time. */
    private static String insert() {
        String marks = String.join(", ", java.util.Collections.nCopies(COLUMN_COUNT + 1, "?"));
        return "INSERT INTO change_record (" + COLUMNS + ", restored_at) VALUES (" + marks + ")";
    }

    /** Every column but the id and the first recording time; the restore time is recomputed after. */
    private static String update() {
        StringBuilder set = new StringBuilder();
        for (String column : COLUMNS.split(",\\s*")) {
            if (!column.equals("id") && !column.equals("recorded_at")) {
                set.append(set.length() == 0 ? "" : ", ").append(column).append(" = ?");
            }
        }
        return "UPDATE change_record SET " + set + ", restored_at = NULL WHERE id = ?";
    }

    /** Binds the columns in {@link #COLUMNS} order; for {@link #update()} without id and recorded_at, then the id. */
    private static void bind(PreparedStatement p, ChangeRecord r, long now, boolean update) throws SQLException {
        int i = 1;
        if (!update) {
            p.setString(i++, r.id());
        }
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
        if (!update) {
            p.setLong(i++, now);
        }
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
            p.setNull(i++, Types.BIGINT);
        } else {
            p.setLong(i++, r.verification().seconds());
        }
        if (update) {
            p.setString(i, r.id());
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
        if (narrowed(query)) {
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
        return retrying("read", false, c -> total(c, query).deployments);
    }

    /**
     * The environments with a deployment in the query's window, from the day aggregates (the month ones without a window): an
     * index range over the window's days (at most a few rows per pipeline, environment and day), never a read of the records. A deployment earlier on the window's
     * first day than its start counts too, as does one on its last day after its end: the answer may name an environment whose
     * only deployment that day fell outside the window, never miss one.
     */
    @Override
    public synchronized java.util.SortedSet<String> environments(RecordQuery query, int limit) {
        if (limit <= 0 || query.selectsNothing()) {
            return new java.util.TreeSet<>();
        }
        Where where = Where.of(query, false);
        StringBuilder sql = new StringBuilder("SELECT DISTINCT environment FROM change_record_period").append(where.and("period = ?"));
        List<Object> values = new ArrayList<>(where.values);
        // without a window, the month rows (about a thirtieth of the day rows) name the same environments
        boolean allTime = query.since() == null && query.until() == null;
        values.add((allTime ? Aggregates.Grain.MONTH : Aggregates.Grain.DAY).code);
        if (query.since() != null) {
            sql.append(" AND period_start >= ?");
            values.add(Aggregates.Grain.DAY.start(query.since().toEpochMilli()));
        }
        if (query.until() != null) {
            sql.append(" AND period_start < ?");
            values.add(query.until().toEpochMilli());
        }
        sql.append(" ORDER BY environment");
        return retrying("read", false, c -> {
            try (PreparedStatement p = c.prepareStatement(sql.toString())) {
                p.setMaxRows(limit);
                bindAll(p, values, 1);
                java.util.TreeSet<String> environments = new java.util.TreeSet<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next() && environments.size() < limit) {
                        environments.add(rs.getString(1));
                    }
                }
                return environments;
            }
        });
    }

    /** Whether the query selects by outcome or risk level, which the aggregates do not count apart. */
    static boolean narrowed(RecordQuery q) {
        return q.outcome() != null || q.riskLevel() != null;
    }

    @Override
    public synchronized List<ChangeRecord> page(RecordQuery query, int offset, int limit) {
        Where where = Where.of(query, true);
        if (query.selectsNothing() || limit <= 0) {
            return List.of();
        }
        // the finish time of the page's last row, read in index order (the id that breaks ties is not in the index) ...
        String prefix = Where.finishOrderPrefix(query, "", " DESC");
        Long boundary = retrying("read", false, c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT finished_at FROM change_record" + where.sql + " ORDER BY " + prefix
                    + "finished_at DESC LIMIT 1 OFFSET ?")) {
                int i = where.bind(p, 1);
                p.setLong(i, (long) offset + limit - 1);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        });
        // ... then the page among the rows finished at or after it, in full order
        List<Object> values = new ArrayList<>(where.values);
        String sql = "SELECT " + COLUMNS + " FROM change_record" + (boundary == null ? where.sql : where.and("finished_at >= ?"));
        if (boundary != null) {
            values.add(boundary);
        }
        return read(sql + " ORDER BY finished_at DESC, id LIMIT ? OFFSET ?", values, limit, offset);
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

    /** How many deployments a selection may hold for its percentiles to be read from the records (exactly). Tests lower it. */
    synchronized void exactLimit(long limit) {
        this.exactLimit = limit;
    }

    private DoraMetrics dora(Connection c, RecordQuery query) throws SQLException {
        Where where = Where.of(query, true);
        DayAggregate total = narrowed(query) ? fromRecords(c, query) : total(c, query);
        long deployments = total.deployments;
        long successful = total.successful;
        Double median;
        Double p90;
        Double restoreMedian;
        if (deployments <= exactLimit || narrowed(query)) {
            // few records: the exact percentiles from the records (a bounded read)
            String leadTime = "CASE WHEN outcome = 'SUCCEEDED' AND commit_time IS NOT NULL THEN finished_at - commit_time END";
            long leadTimes;
            try (PreparedStatement p = c.prepareStatement("SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY " + leadTime + "),"
                    + " COUNT(" + leadTime + ") FROM change_record" + where.sql)) {
                where.bind(p, 1);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    double m = rs.getDouble(1);
                    median = rs.wasNull() ? null : m;
                    leadTimes = rs.getLong(2);
                }
            }
            p90 = leadTimes == 0 ? null : nearestRank(c, where, leadTimes, 90);
            restoreMedian = exactRestoreMedian(c, query);
        } else {
            median = total.leadTimes.median();
            p90 = total.leadTimes.nearestRank(90);
            restoreMedian = total.restoreTimes.median();
        }
        Instant since = query.since();
        Instant until = query.until();
        if (deployments > 0 && (since == null || until == null)) {
            if (since == null) {
                since = Instant.ofEpochMilli(edge(c, query, false));
            }
            if (until == null) {
                until = Instant.ofEpochMilli(edge(c, query, true));
            }
        }
        // a window that holds no deployment (a since after the newest record) ends where it starts
        if (deployments == 0 && query.until() == null) {
            until = since;
        }
        double days = since == null || until == null ? 0 : (until.toEpochMilli() - since.toEpochMilli()) / 86_400_000.0;
        if (query.since() == null || query.until() == null) {
            days = Math.max(1.0, days);
        }
        double frequency = days <= 0 ? 0 : successful / days;
        Double cfr = deployments == 0 ? null : (double) (deployments - successful) / deployments;
        return new DoraMetrics(deployments, successful, deployments - successful, since, until, days, frequency,
                seconds(median), seconds(p90), seconds(restoreMedian), cfr);
    }

    /** The counts of a selection narrowed by outcome or level, from the records. */
    private static DayAggregate fromRecords(Connection c, RecordQuery query) throws SQLException {
        Where where = Where.of(query, true);
        DayAggregate a = new DayAggregate();
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN outcome = 'SUCCEEDED' THEN 1 ELSE 0 END)"
                + " FROM change_record" + where.sql)) {
            where.bind(p, 1);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                a.deployments = rs.getLong(1);
                a.successful = rs.getLong(2);
            }
        }
        return a;
    }

    /** The first (or last) finish time of the selection, by an index seek. */
    private static long edge(Connection c, RecordQuery query, boolean last) throws SQLException {
        Where where = Where.of(query, true);
        String dir = last ? " DESC" : "";
        // ORDER BY the index's columns, so that H2 reads the index in order and stops at the first row
        String order = query.pipeline() != null && query.environment() != null ? "pipeline" + dir + ", environment" + dir + ", "
                : query.pipeline() != null ? "pipeline" + dir + ", " : query.environment() != null ? "environment" + dir + ", " : "";
        try (PreparedStatement p = c.prepareStatement("SELECT finished_at FROM change_record" + where.sql + " ORDER BY " + order
                + "finished_at" + dir + " LIMIT 1")) {
            where.bind(p, 1);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
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

    /** The exact median time to restore of the failures in the window (of any outcome and level filter), from their restore times. */
    private static Double exactRestoreMedian(Connection c, RecordQuery query) throws SQLException {
        Where where = Where.of(query.window(), true);
        try (PreparedStatement p = c.prepareStatement("SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY restored_at - finished_at)"
                + " FROM change_record" + where.and("outcome <> 'SUCCEEDED' AND restored_at IS NOT NULL"))) {
            where.bind(p, 1);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                double m = rs.getDouble(1);
                return rs.wasNull() ? null : m;
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
        return retrying("read", false, c -> {
            if (!narrowed(query) && size > 0 && size % Aggregates.DAY == 0) {
                TreeMap<Long, DayAggregate> buckets = new TreeMap<>();
                long[] total = {0};
                collect(c, query, size % WEEK_MILLIS == 0 ? WEEKS : DAYS, (pipeline, environment, day, a) -> {
                    buckets.computeIfAbsent(Math.floorDiv(day - offset, size), k -> new DayAggregate()).merge(a);
                    total[0] += a.deployments;
                });
                if (total[0] > exactLimit) {
                    List<TrendPoint> points = new ArrayList<>();
                    buckets.forEach((b, a) -> {
                        if (a.deployments > 0) {
                            Double median = a.leadTimes.median();
                            points.add(new TrendPoint(Instant.ofEpochMilli(b * size + offset), a.deployments, a.failures(),
                                    median == null ? null : median / 1000.0));
                        }
                    });
                    return points;
                }
            }
            return trendFromRecords(c, query, size, offset);
        });
    }

    private static List<TrendPoint> trendFromRecords(Connection c, RecordQuery query, long size, long offset) throws SQLException {
        Where where = Where.of(query, true);
        String b = "FLOOR((finished_at - " + offset + ") / " + size + ")";
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
    }

    @Override
    public synchronized ScoreCounts scores(RecordQuery query) {
        if (narrowed(query)) {
            return ChangeRecordStore.super.scores(query);
        }
        return retrying("read", false, c -> total(c, query).scoreCounts());
    }

    @Override
    public synchronized List<PipelineActivity> activity(RecordQuery query, Instant exercisedSince, Instant failuresSince,
                                                        String productionEnvironment, int examples) {
        if (narrowed(query)) {
            return ChangeRecordStore.super.activity(query, exercisedSince, failuresSince, productionEnvironment, examples);
        }
        return retrying("read", false, c -> activity(c, query, exercisedSince, failuresSince, productionEnvironment, examples));
    }

    private List<PipelineActivity> activity(Connection c, RecordQuery query, Instant exercisedSince, Instant failuresSince,
                                            String production, int examples) throws SQLException {
        // per pipeline and environment: what the selection holds, and its part since the rehearsal and failure cut-offs
        Map<Aggregates.Cell, DayAggregate> all = new java.util.TreeMap<>();
        collect(c, query, (pipeline, environment, day, a) -> all.computeIfAbsent(new Aggregates.Cell(pipeline, environment),
                k -> new DayAggregate()).merge(a));
        Map<String, DayAggregate> recent = perPipeline(c, query, failuresSince);
        Map<String, DayAggregate> rehearsal = perPipeline(c, query, exercisedSince);
        Map<String, Boolean> approvals = new java.util.TreeMap<>();
        all.forEach((cell, a) -> {
            if (a.deployments > 0) {
                approvals.merge(cell.pipeline(), cell.environment().equalsIgnoreCase(production) && a.approved > 0, Boolean::logicalOr);
            }
        });
        java.util.Set<String> rehearsed = rehearsed(c, query, exercisedSince);
        List<String> withUnreviewed = new ArrayList<>();
        for (String pipeline : approvals.keySet()) {
            DayAggregate r = recent.getOrDefault(pipeline, new DayAggregate());
            if (r.failures() > r.reviewed) {
                withUnreviewed.add(pipeline);
            }
        }
        Map<String, ChangeRecord> latest;
        Map<String, List<ChangeRecord>> unreviewed;
        if (dialect == Dialect.POSTGRESQL) {
            // one statement per kind for all pipelines: on a server each statement is a round trip
            latest = latest(c, query, approvals.keySet());
            unreviewed = unreviewed(c, query, withUnreviewed, failuresSince, examples);
        } else {
            latest = new java.util.HashMap<>();
            unreviewed = new java.util.HashMap<>();
            for (String pipeline : approvals.keySet()) {
                latest.put(pipeline, latest(c, query, pipeline));
            }
            for (String pipeline : withUnreviewed) {
                unreviewed.put(pipeline, unreviewed(c, query, pipeline, failuresSince, examples));
            }
        }
        List<PipelineActivity> result = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : approvals.entrySet()) {
            String pipeline = e.getKey();
            DayAggregate r = recent.getOrDefault(pipeline, new DayAggregate());
            DayAggregate h = rehearsal.getOrDefault(pipeline, new DayAggregate());
            result.add(new PipelineActivity(pipeline, latest.get(pipeline), h.rolledBack > 0 || rehearsed.contains(pipeline),
                    e.getValue(), r.failures(), r.reviewed, unreviewed.getOrDefault(pipeline, List.of())));
        }
        return result;
    }

    /**
     * PostgreSQL: the newest record in the selection (by finish time, then id) of each of these
     * pipelines, in one statement: per pipeline, the index on (pipeline, finish time) read backwards
     * for its first row.
     */
    private static Map<String, ChangeRecord> latest(Connection c, RecordQuery query, Collection<String> pipelines) throws SQLException {
        Map<String, ChangeRecord> result = new java.util.HashMap<>();
        if (pipelines.isEmpty()) {
            return result;
        }
        Where where = Where.of(new RecordQuery(query.environment(), null, query.since(), query.until(), null, null, query.pipelines()), true);
        try (PreparedStatement p = c.prepareStatement("SELECT r.* FROM unnest(?::varchar[]) AS p(name) CROSS JOIN LATERAL (SELECT " + COLUMNS
                + " FROM change_record" + where.and("pipeline = p.name") + " ORDER BY finished_at DESC, id DESC LIMIT 1) r")) {
            p.setArray(1, c.createArrayOf("varchar", pipelines.toArray()));
            where.bind(p, 2);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ChangeRecord r = map(rs);
                    result.put(r.pipeline(), r);
                }
            }
        }
        return result;
    }

    /**
     * PostgreSQL: {@link #unreviewed(Connection, RecordQuery, String, Instant, int)} of each of these
     * pipelines in one statement.
     */
    private static Map<String, List<ChangeRecord>> unreviewed(Connection c, RecordQuery query, Collection<String> pipelines, Instant since,
                                                              int limit) throws SQLException {
        Map<String, List<ChangeRecord>> result = new java.util.HashMap<>();
        if (pipelines.isEmpty() || limit <= 0) {
            return result;
        }
        long from = Math.max(since.toEpochMilli(), query.since() == null ? Long.MIN_VALUE : query.since().toEpochMilli());
        long until = query.until() == null ? Long.MAX_VALUE : query.until().toEpochMilli();
        try (PreparedStatement p = c.prepareStatement("SELECT r.* FROM unnest(?::varchar[]) AS p(name) CROSS JOIN LATERAL (SELECT " + COLUMNS
                + " FROM change_record WHERE pipeline = p.name" + (query.environment() == null ? "" : " AND environment = ?")
                + " AND outcome <> 'SUCCEEDED' AND pir_url IS NULL AND finished_at >= ? AND finished_at < ?"
                // (ties broken by the id's characters, as the per-pipeline read sorts them in Java)
                + " ORDER BY finished_at, id COLLATE \"C\" LIMIT ?) r")) {
            int i = 1;
            p.setArray(i++, c.createArrayOf("varchar", pipelines.toArray()));
            if (query.environment() != null) {
                p.setString(i++, query.environment());
            }
            p.setLong(i++, from);
            p.setLong(i++, until);
            p.setInt(i, limit);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ChangeRecord r = map(rs);
                    result.computeIfAbsent(r.pipeline(), k -> new ArrayList<>()).add(r);
                }
            }
        }
        java.util.Comparator<ChangeRecord> order = java.util.Comparator.comparing(ChangeRecord::finishedAt).thenComparing(ChangeRecord::id);
        result.replaceAll((k, v) -> {
            v.sort(order);
            return List.copyOf(v);
        });
        return result;
    }

    /** The selection's part finished at or after {@code since}, summed per pipeline. */
    private Map<String, DayAggregate> perPipeline(Connection c, RecordQuery query, Instant since) throws SQLException {
        Map<String, DayAggregate> result = new java.util.HashMap<>();
        Instant from = query.since() == null || since.isAfter(query.since()) ? since : query.since();
        if (query.until() != null && !query.until().isAfter(from)) {
            return result;
        }
        collect(c, new RecordQuery(query.environment(), query.pipeline(), from, query.until(), null, null, query.pipelines()),
                (pipeline, environment, day, a) -> result.computeIfAbsent(pipeline, k -> new DayAggregate()).merge(a));
        return result;
    }

    /**
     * The pipelines with a record in the selection whose rollback was rehearsed at or after {@code since}:
     * read by the index on rehearsal times (bounded by the rehearsals since then), filtered here.
     */
    private static java.util.Set<String> rehearsed(Connection c, RecordQuery query, Instant since) throws SQLException {
        java.util.Set<String> result = new java.util.HashSet<>();
        long from = query.since() == null ? Long.MIN_VALUE : query.since().toEpochMilli();
        long until = query.until() == null ? Long.MAX_VALUE : query.until().toEpochMilli();
        try (PreparedStatement p = c.prepareStatement("SELECT pipeline, environment, finished_at, outcome FROM change_record"
                + " WHERE rollback_exercised_at >= ?")) {
            p.setLong(1, since.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    String pipeline = rs.getString(1);
                    long finished = rs.getLong(3);
                    if ((query.pipeline() == null || query.pipeline().equals(pipeline))
                            && (query.pipelines() == null || query.pipelines().contains(pipeline))
                            && (query.environment() == null || query.environment().equals(rs.getString(2)))
                            && finished >= from && finished < until && !"ROLLED_BACK".equals(rs.getString(4))) {
                        result.add(pipeline);
                    }
                }
            }
        }
        return result;
    }

    /** The pipeline's newest record in the selection (by finish time, then id). */
    private ChangeRecord latest(Connection c, RecordQuery query, String pipeline) throws SQLException {
        RecordQuery q = new RecordQuery(query.environment(), pipeline, query.since(), query.until(), null, null, query.pipelines());
        long last = edge(c, q, true);
        Where where = Where.of(q, true);
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM change_record" + where.and("finished_at = ?")
                + " ORDER BY id DESC LIMIT 1")) {
            int i = where.bind(p, 1);
            p.setLong(i, last);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return map(rs);
            }
        }
    }

    /**
     * The pipeline's first {@code limit} failures without a review finished at or after {@code since},
     * oldest first (by finish time, then id): the index on (pipeline, finish time) read in order from
     * the cut-off until {@code limit} are found, then the ones that finished at the same moment as the last.
     */
    private static List<ChangeRecord> unreviewed(Connection c, RecordQuery query, String pipeline, Instant since, int limit)
            throws SQLException {
        long from = Math.max(since.toEpochMilli(), query.since() == null ? Long.MIN_VALUE : query.since().toEpochMilli());
        long until = query.until() == null ? Long.MAX_VALUE : query.until().toEpochMilli();
        String where = " WHERE pipeline = ?" + (query.environment() == null ? "" : " AND environment = ?")
                + " AND outcome <> 'SUCCEEDED' AND pir_url IS NULL AND finished_at >= ? AND finished_at < ?";
        List<ChangeRecord> found = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM change_record" + where
                + " ORDER BY pipeline, finished_at LIMIT ?")) {
            int i = 1;
            p.setString(i++, pipeline);
            if (query.environment() != null) {
                p.setString(i++, query.environment());
            }
            p.setLong(i++, from);
            p.setLong(i++, until);
            p.setInt(i, limit);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    found.add(map(rs));
                }
            }
        }
        if (found.size() == limit) {
            long last = found.get(limit - 1).finishedAt().toEpochMilli();
            found.removeIf(r -> r.finishedAt().toEpochMilli() == last);
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM change_record" + where)) {
                int i = 1;
                p.setString(i++, pipeline);
                if (query.environment() != null) {
                    p.setString(i++, query.environment());
                }
                p.setLong(i++, last);
                p.setLong(i, last + 1);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        found.add(map(rs));
                    }
                }
            }
        }
        found.sort(java.util.Comparator.comparing(ChangeRecord::finishedAt).thenComparing(ChangeRecord::id));
        return List.copyOf(found.subList(0, Math.min(limit, found.size())));
    }

    /** Where a selection's aggregates come from: day rows for its whole days, records for the parts of days at its edges. */
    @FunctionalInterface
    private interface Sink {
        void accept(String pipeline, String environment, long day, DayAggregate a);
    }

    /** The selection's counts from the aggregates (for a query by outcome or level: from the records). */
    DayAggregate totals(Connection c, RecordQuery query) throws SQLException {
        return narrowed(query) ? fromRecords(c, query) : total(c, query);
    }

    private DayAggregate total(Connection c, RecordQuery query) throws SQLException {
        DayAggregate total = new DayAggregate();
        collect(c, query, (pipeline, environment, day, a) -> total.merge(a));
        return total;
    }

    /**
     * Hands the sink the aggregates of the selection (environment, pipeline, window): the stored day
     * rows of the window's whole UTC days, and the records of the partial days at its edges (read from
     * the records, with their restore times).
     */
    private static void collect(Connection c, RecordQuery q, Sink sink) throws SQLException {
        collect(c, q, MONTHS, sink);
    }

    /** Months, then days: for totals over a window. */
    private static final List<Aggregates.Grain> MONTHS = List.of(Aggregates.Grain.MONTH, Aggregates.Grain.DAY);
    /** Weeks, then days: for weekly trends. */
    private static final List<Aggregates.Grain> WEEKS = List.of(Aggregates.Grain.WEEK, Aggregates.Grain.DAY);
    private static final List<Aggregates.Grain> DAYS = List.of(Aggregates.Grain.DAY);

    /** As {@link #collect(Connection, RecordQuery, Sink)}, reading the whole periods of the first grain, then of the next, down to days. */
    private static void collect(Connection c, RecordQuery q, List<Aggregates.Grain> grains, Sink sink) throws SQLException {
        if (q.selectsNothing()) {
            return;
        }
        Long since = q.since() == null ? null : q.since().toEpochMilli();
        Long until = q.until() == null ? null : q.until().toEpochMilli();
        long from = since == null ? Long.MIN_VALUE : Aggregates.Grain.DAY.ceil(since);
        long to = until == null ? Long.MAX_VALUE : Aggregates.dayOf(until);
        if (since != null && until != null && from >= to) {
            records(c, q, since, until, sink);
            return;
        }
        periods(c, q, from, to, grains, 0, sink);
        if (since != null && since < from) {
            records(c, q, since, from, sink);
        }
        if (until != null && to < until) {
            records(c, q, to, until, sink);
        }
    }

    /** The rows of whole periods in [from, to) (both day starts; MIN and MAX for no bound), coarsest first. */
    private static void periods(Connection c, RecordQuery q, long from, long to, List<Aggregates.Grain> grains, int level, Sink sink)
            throws SQLException {
        Aggregates.Grain g = grains.get(level);
        long a = from == Long.MIN_VALUE || g == Aggregates.Grain.DAY ? from : g.ceil(from);
        long b = to == Long.MAX_VALUE || g == Aggregates.Grain.DAY ? to : g.start(to);
        if (a >= b) {
            if (level + 1 < grains.size()) {
                periods(c, q, from, to, grains, level + 1, sink);
            }
            return;
        }
        List<String> parts = new ArrayList<>(List.of("period = ?"));
        List<Object> values = new ArrayList<>(List.of(g.code));
        if (q.environment() != null) {
            parts.add("environment = ?");
            values.add(q.environment());
        }
        if (q.pipeline() != null) {
            parts.add("pipeline = ?");
            values.add(q.pipeline());
        }
        if (q.pipelines() != null) {
            parts.add("pipeline IN (" + String.join(", ", java.util.Collections.nCopies(q.pipelines().size(), "?")) + ")");
            values.addAll(q.pipelines());
        }
        if (a != Long.MIN_VALUE) {
            parts.add("period_start >= ?");
            values.add(a);
        }
        if (b != Long.MAX_VALUE) {
            parts.add("period_start < ?");
            values.add(b);
        }
        try (PreparedStatement p = c.prepareStatement("SELECT pipeline, environment, period_start, " + Aggregates.DAY_COLUMNS
                + " FROM change_record_period WHERE " + String.join(" AND ", parts))) {
            p.setFetchSize(1000);
            bindAll(p, values, 1);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    sink.accept(rs.getString(1), rs.getString(2), rs.getLong(3), Aggregates.row(rs, 4));
                }
            }
        }
        if (from < a) {
            periods(c, q, from, a, grains, level + 1, sink);
        }
        if (b < to) {
            periods(c, q, b, to, grains, level + 1, sink);
        }
    }

    /** The aggregates of the selection's records finished in [from, until), per pipeline, environment and day. */
    private static void records(Connection c, RecordQuery q, long from, long until, Sink sink) throws SQLException {
        // at most a day of records: a person's visible pipelines are filtered here, not in the statement, where H2 would read
        // them through an index on the pipeline in full instead of the day's range of finish times
        java.util.Set<String> visible = q.pipelines();
        Where where = Where.of(new RecordQuery(q.environment(), q.pipeline(), Instant.ofEpochMilli(from), Instant.ofEpochMilli(until), null, null,
                null), true);
        Map<Aggregates.Cell, TreeMap<Long, DayAggregate>> cells = new java.util.TreeMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT pipeline, environment, finished_at, outcome, commit_time, restored_at,"
                + " risk_score, risk_level, approvals, pir_url FROM change_record" + where.sql)) {
            where.bind(p, 1);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    if (visible != null && !visible.contains(rs.getString(1))) {
                        continue;
                    }
                    Outcome outcome = Outcome.valueOf(rs.getString(4));
                    long commit = rs.getLong(5);
                    Long commitTime = rs.wasNull() ? null : commit;
                    long restored = rs.getLong(6);
                    Long restoredAt = rs.wasNull() ? null : restored;
                    int score = rs.getInt(7);
                    Integer riskScore = rs.wasNull() ? null : score;
                    String approvals = rs.getString(9);
                    DayAggregate.Facts f = new DayAggregate.Facts(rs.getString(1), rs.getString(2), rs.getLong(3), outcome, commitTime,
                            restoredAt, riskScore, rs.getString(8), approvals != null && !approvals.isBlank(),
                            outcome.failure() && rs.getString(10) != null);
                    cells.computeIfAbsent(new Aggregates.Cell(f.pipeline(), f.environment()), k -> new TreeMap<>())
                            .computeIfAbsent(Aggregates.dayOf(f.finished()), k -> new DayAggregate()).add(f, 1);
                }
            }
        }
        for (Map.Entry<Aggregates.Cell, TreeMap<Long, DayAggregate>> e : cells.entrySet()) {
            for (Map.Entry<Long, DayAggregate> d : e.getValue().entrySet()) {
                sink.accept(e.getKey().pipeline(), e.getKey().environment(), d.getKey(), d.getValue());
            }
        }
    }

    /**
     * Recomputes the aggregates of every pipeline and environment from the records (schema V4), one
     * pipeline and environment per transaction while writers go on; {@code progress} gets the number of
     * records done so far. Returns the number of records read.
     */
    public synchronized long rebuild(java.util.function.LongConsumer progress) {
        return retrying("rebuild", true, c -> aggregates.rebuild(c, progress));
    }

    /** The stored period rows, keyed "period|pipeline|environment|start": what the tests compare with a recomputation. */
    synchronized Map<String, DayAggregate> dayRows() {
        return retrying("read", false, c -> {
            Map<String, DayAggregate> rows = new java.util.TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT period, pipeline, environment, period_start, "
                    + Aggregates.DAY_COLUMNS + " FROM change_record_period")) {
                while (rs.next()) {
                    rows.put(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getLong(4), Aggregates.row(rs, 5));
                }
            }
            return rows;
        });
    }

    /** The stored restore times of the failures, by id. */
    synchronized Map<String, Long> restoreTimes() {
        return retrying("read", false, c -> {
            Map<String, Long> rows = new java.util.TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, restored_at FROM change_record"
                    + " WHERE outcome <> 'SUCCEEDED'")) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    long v = rs.getLong(2);
                    rows.put(id, rs.wasNull() ? null : v);
                }
            }
            return rows;
        });
    }

    private static Double seconds(Double millis) {
        return millis == null ? null : millis / 1000.0;
    }

    private static int bindAll(PreparedStatement p, List<Object> values, int from) throws SQLException {
        return Where.bindAll(p, values, from);
    }

    private void reconnect() {
        aggregates.forget();
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

    /** What {@link #compact()} did: the file's size before and after, and how long it took. */
    public record Compaction(long bytesBefore, long bytesAfter, Duration took) {
    }

    /**
     * Rewrites the embedded store's file without its free space (H2's {@code SHUTDOWN COMPACT}), which
     * a store written in large transactions accumulates: a store imported from a CSV is often ten times
     * the size of its data. Possible only while this process alone has the store open: it waits for
     * other processes connected to it to finish their work (as {@link #close()} does), and refuses when
     * another process serves the store or stays connected. The store reopens on its next use.
     *
     * @throws RecordStoreUnavailableException while another process has the store open (retrying later may succeed)
     * @throws RecordStoreException for a store that is not an embedded one
     */
    public synchronized Compaction compact() {
        if (directory == null) {
            throw new RecordStoreException("only an embedded record store (a directory) can be compacted; " + location
                    + " is a database server's" + (dialect == Dialect.POSTGRESQL ? " (PostgreSQL reclaims space with VACUUM)" : ""));
        }
        Path file = directory.resolve("records.mv.db");
        long before = size(file);
        long started = System.nanoTime();
        retrying("compact", true, c -> OpenGuard.exclusively(directory, Math.min(wait.toMillis(), 10_000), () -> {
            if (!serving(c)) {
                throw new RecordStoreUnavailableException("the record store " + location + " is open in another process, which serves it to"
                        + " this one: compact it when no other process has it open (e.g. with Jenkins stopped, for a controller's store)", null);
            }
            letClientsFinish();
            long others = clients(c);
            if (others > 0) {
                throw new RecordStoreUnavailableException("the record store " + location + " is still in use by " + others
                        + " other process" + (others == 1 ? "" : "es") + ": compact it when no other process has it open", null);
            }
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("SHUTDOWN COMPACT");
            }
            // H2 rewrites the file once the database has closed, which may be after the statement returns;
            // it deletes its lock file when it is done: until then no process may open the store
            reconnect();
            Path lock = directory.resolve("records.lock.db");
            long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
            while (Files.exists(lock)) {
                if (System.nanoTime() > deadline) {
                    throw new SQLException("the record store's file was still being compacted after an hour (" + lock + " is still there)");
                }
                pause(20);
            }
            return null;
        }));
        return new Compaction(before, size(file), Duration.ofNanos(System.nanoTime() - started));
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
