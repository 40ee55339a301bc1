package io.riskgate.records;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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

    private static final String COLUMNS = "id, pipeline, environment, commit_sha, commit_time, started_at, finished_at, outcome, "
            + "risk_score, risk_level, risk_model, started_by, build_url, runbook_url, pir_url, rollback_command, rollback_exercised_at, "
            + "tests_total, tests_failed, approvals, lines_added, lines_deleted, files, directories, subsystems, entropy, commits, authors, recorded_at";
    private static final int COLUMN_COUNT = COLUMNS.split(",").length;
    private static final int ATTEMPTS = 3;

    private final String url;
    private final Properties credentials;
    private final Dialect dialect;
    private final String location;
    private Connection connection;

    private JdbcChangeRecordStore(String url, Properties credentials, Dialect dialect, String location) {
        this.url = url;
        this.credentials = credentials;
        this.dialect = dialect;
        this.location = location;
    }

    /** The embedded store in {@code directory} (created if needed): {@code records.mv.db} inside it. */
    public static JdbcChangeRecordStore embedded(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new RecordStoreException("cannot create the record store directory " + directory + ": " + e.getMessage(), e);
        }
        String file = directory.toAbsolutePath().resolve("records").toString();
        return open("jdbc:h2:file:" + file + ";LOCK_TIMEOUT=10000", new Properties(), directory.toString());
    }

    /** A store at a JDBC URL ({@code jdbc:postgresql://...} or {@code jdbc:h2:...}); user and password may be given apart. */
    public static JdbcChangeRecordStore connect(String jdbcUrl, String user, String password) {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return open(jdbcUrl, props, jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***"));
    }

    private static JdbcChangeRecordStore open(String url, Properties props, String location) {
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
        JdbcChangeRecordStore store = new JdbcChangeRecordStore(url, props, dialect, location);
        try {
            SchemaMigrations.migrate(store.connection(), location);
        } catch (SQLException e) {
            store.close();
            throw new RecordStoreException("cannot open the record store " + location + ": " + firstLine(e), e);
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
        }
        return connection;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public void save(ChangeRecord record) {
        saveAll(List.of(record));
    }

    @Override
    public synchronized int saveAll(Collection<ChangeRecord> records) {
        if (records.isEmpty()) {
            return 0;
        }
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return write(records);
            } catch (SQLTransientException | SQLRecoverableException e) {
                last = e;
                reconnect();
                pause(attempt);
            } catch (SQLException e) {
                throw new RecordStoreException("cannot write to the record store " + location + ": " + firstLine(e), e);
            }
        }
        throw new RecordStoreException("cannot write to the record store " + location + " after " + ATTEMPTS + " attempts: " + firstLine(last), last);
    }

    private int write(Collection<ChangeRecord> records) throws SQLException {
        Connection c = connection();
        c.setAutoCommit(false);
        try (PreparedStatement p = c.prepareStatement(upsert())) {
            long now = System.currentTimeMillis();
            int batch = 0;
            for (ChangeRecord r : records) {
                bind(p, r, now);
                p.addBatch();
                if (++batch % 1000 == 0) {
                    p.executeBatch();
                }
            }
            p.executeBatch();
            c.commit();
            return records.size();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
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
        p.setLong(i, now);
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
        try (PreparedStatement p = connection().prepareStatement("SELECT COUNT(*) FROM change_record" + where.sql)) {
            where.bind(p, 1);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public synchronized List<ChangeRecord> page(RecordQuery query, int offset, int limit) {
        Where where = Where.of(query, true);
        return read("SELECT " + COLUMNS + " FROM change_record" + where.sql + " ORDER BY finished_at DESC, id LIMIT ? OFFSET ?",
                where.values, limit, offset);
    }

    private List<ChangeRecord> read(String sql, List<Object> values, int limit, int offset) {
        List<ChangeRecord> result = new ArrayList<>();
        try (PreparedStatement p = connection().prepareStatement(sql)) {
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
        } catch (SQLException e) {
            throw readFailure(e);
        }
        return result;
    }

    @Override
    public synchronized void forEach(RecordQuery query, Consumer<ChangeRecord> consumer) {
        Where where = Where.of(query, true);
        try {
            Connection c = connection();
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);   // PostgreSQL streams with a fetch size only inside a transaction
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM change_record" + where.sql + " ORDER BY finished_at, id")) {
                p.setFetchSize(1000);
                where.bind(p, 1);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        consumer.accept(map(rs));
                    }
                }
            } finally {
                c.commit();
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    private static ChangeRecord map(ResultSet rs) throws SQLException {
        return new ChangeRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), time(rs, 5), time(rs, 6),
                time(rs, 7), Outcome.valueOf(rs.getString(8)), integer(rs, 9), rs.getString(10), rs.getString(11), rs.getString(12),
                rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16), time(rs, 17), integer(rs, 18), integer(rs, 19),
                rs.getString(20), new ChangeRecord.Metrics(integer(rs, 21), integer(rs, 22), integer(rs, 23), integer(rs, 24),
                integer(rs, 25), decimal(rs, 26), integer(rs, 27), integer(rs, 28)));
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
        Where where = Where.of(query, true);
        try {
            Connection c = connection();
            long deployments;
            long successful;
            long first;
            long last;
            Double[] lead = new Double[2];
            // one scan: counts, window and the lead-time percentiles (which skip the NULLs of failures and of records without a commit time)
            String leadTime = "CASE WHEN outcome = 'SUCCEEDED' AND commit_time IS NOT NULL THEN finished_at - commit_time END";
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN outcome = 'SUCCEEDED' THEN 1 ELSE 0 END),"
                    + " MIN(finished_at), MAX(finished_at), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY " + leadTime + "),"
                    + " PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY " + leadTime + ") FROM change_record" + where.sql)) {
                where.bind(p, 1);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    deployments = rs.getLong(1);
                    successful = rs.getLong(2);
                    first = rs.getLong(3);
                    last = rs.getLong(4);
                    double median = rs.getDouble(5);
                    lead[0] = rs.wasNull() ? null : median;
                    double p90 = rs.getDouble(6);
                    lead[1] = rs.wasNull() ? null : p90;
                }
            }
            Double restoreMedian = timeToRestoreMedian(c, query);
            Instant since = query.since() != null ? query.since() : deployments == 0 ? null : Instant.ofEpochMilli(first);
            Instant until = query.until() != null ? query.until() : deployments == 0 ? null : Instant.ofEpochMilli(last);
            double days = since == null ? 0 : (until.toEpochMilli() - since.toEpochMilli()) / 86_400_000.0;
            if (query.since() == null || query.until() == null) {
                days = Math.max(1.0, days);
            }
            double frequency = days <= 0 ? 0 : successful / days;
            Double cfr = deployments == 0 ? null : (double) (deployments - successful) / deployments;
            return new DoraMetrics(deployments, successful, deployments - successful, since, until, days, frequency,
                    seconds(lead[0]), seconds(lead[1]), seconds(restoreMedian), cfr);
        } catch (SQLException e) {
            throw readFailure(e);
        }
    }

    @Override
    public synchronized List<TrendPoint> trend(RecordQuery query, java.time.Duration bucket) {
        long size = bucket.toMillis();
        Where where = Where.of(query, true);
        List<TrendPoint> points = new ArrayList<>();
        String b = "FLOOR(finished_at / " + size + ")";
        try (PreparedStatement p = connection().prepareStatement("SELECT " + b + " AS bucket, COUNT(*),"
                + " SUM(CASE WHEN outcome <> 'SUCCEEDED' THEN 1 ELSE 0 END),"
                + " PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY CASE WHEN outcome = 'SUCCEEDED' THEN finished_at - commit_time END)"
                + " FROM change_record" + where.sql + " GROUP BY " + b + " ORDER BY bucket")) {
            where.bind(p, 1);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    double lead = rs.getDouble(4);
                    points.add(new TrendPoint(Instant.ofEpochMilli(rs.getLong(1) * size), rs.getLong(2), rs.getLong(3),
                            rs.wasNull() ? null : lead / 1000.0));
                }
            }
        } catch (SQLException e) {
            throw readFailure(e);
        }
        return points;
    }

    /**
     * The median milliseconds from each failure finished in the window to the next success of its
     * pipeline and environment (at any later time). One pass over the records in (pipeline,
     * environment, finish time) order, served by an index: the failures waiting for their success
     * are kept, and one number per restored failure for the exact median, nothing per record.
     */
    private Double timeToRestoreMedian(Connection c, RecordQuery query) throws SQLException {
        Where scope = Where.of(new RecordQuery(query.environment(), query.pipeline(), null, null), true);
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

        void bind(PreparedStatement p, int from) throws SQLException {
            bindAll(p, values, from);
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

    private RecordStoreException readFailure(SQLException e) {
        return new RecordStoreException("cannot read the record store " + location + ": " + firstLine(e), e);
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

    private static void pause(int attempt) {
        try {
            Thread.sleep(200L * attempt * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String firstLine(SQLException e) {
        String m = e == null || e.getMessage() == null ? String.valueOf(e) : e.getMessage();
        return m.lines().findFirst().orElse(m).strip();
    }

    @Override
    public synchronized void close() {
        reconnect();
    }
}
