package io.riskgate.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * The aggregates of schema V4, kept in the transaction of the records they count: one row per
 * pipeline, environment and UTC day, week (from Monday) and calendar month in
 * {@code change_record_period}, and each failure's {@code restored_at}. Writers lock the {@code change_record_cell} row of every pipeline and
 * environment they touch (in one order), so that the read-modify-write of a day's row and the
 * restore times of a pipeline and environment never interleave between processes.
 */
final class Aggregates {
    static final long DAY = 86_400_000L;
    /** Success times of one write closer than this are recomputed as one range of records. */
    private static final long CLUSTER_GAP = DAY;

    /** A pipeline and environment. */
    record Cell(String pipeline, String environment) implements Comparable<Cell> {
        @Override
        public int compareTo(Cell o) {
            int p = pipeline.compareTo(o.pipeline);
            return p != 0 ? p : environment.compareTo(o.environment);
        }
    }

    /** A stored record and its restore time, as read in a write's transaction. */
    record Stored(ChangeRecord record, Long restoredAt) {
    }

    private final boolean postgres;
    /** The cells this store has seen exist (cells are never removed). */
    private final Set<Cell> known = new HashSet<>();

    Aggregates(boolean postgres) {
        this.postgres = postgres;
    }

    static long dayOf(long millis) {
        return Math.floorDiv(millis, DAY) * DAY;
    }

    private static final long WEEK = 7 * DAY;
    /** 1970-01-05T00:00Z, the first Monday after the epoch. */
    static final long MONDAY = 4 * DAY;

    /** The periods the aggregates are kept for. */
    enum Grain {
        DAY("D"), WEEK("W"), MONTH("M");

        final String code;

        Grain(String code) {
            this.code = code;
        }

        /** The start of the period that holds {@code t}. */
        long start(long t) {
            return switch (this) {
                case DAY -> dayOf(t);
                case WEEK -> Math.floorDiv(t - MONDAY, Aggregates.WEEK) * Aggregates.WEEK + MONDAY;
                case MONTH -> java.time.LocalDate.ofEpochDay(Math.floorDiv(t, Aggregates.DAY)).withDayOfMonth(1).toEpochDay() * Aggregates.DAY;
            };
        }

        /** The first period start at or after {@code t}. */
        long ceil(long t) {
            long s = start(t);
            return s == t ? t : next(s);
        }

        long next(long start) {
            return switch (this) {
                case DAY -> start + Aggregates.DAY;
                case WEEK -> start + Aggregates.WEEK;
                case MONTH -> java.time.LocalDate.ofEpochDay(start / Aggregates.DAY).plusMonths(1).toEpochDay() * Aggregates.DAY;
            };
        }
    }

    static Cell cell(ChangeRecord r) {
        return new Cell(r.pipeline(), r.environment());
    }

    void forget() {
        known.clear();
    }

    /** Makes sure the cells' lock rows exist, each in its own short transaction (the connection is in auto-commit). */
    void ensureCells(Connection c, Collection<Cell> cells) throws SQLException {
        List<Cell> missing = cells.stream().filter(x -> !known.contains(x)).sorted().toList();
        if (missing.isEmpty()) {
            return;
        }
        String sql = postgres ? "INSERT INTO change_record_cell (pipeline, environment) VALUES (?, ?) ON CONFLICT DO NOTHING"
                : "MERGE INTO change_record_cell (pipeline, environment) KEY (pipeline, environment) VALUES (?, ?)";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (Cell x : missing) {
                p.setString(1, x.pipeline());
                p.setString(2, x.environment());
                try {
                    p.executeUpdate();
                } catch (SQLException e) {
                    if (!"23505".equals(e.getSQLState())) {
                        throw e;
                    }
                    // another process added it at the same moment
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                known.add(x);
            }
        }
    }

    /** Locks the cells' rows for the rest of the transaction, in the order of the cells. */
    void lock(Connection c, Collection<Cell> cells) throws SQLException {
        if (postgres && cells.size() > 1) {
            lockAll(c, new TreeSet<>(cells));
            return;
        }
        try (PreparedStatement p = c.prepareStatement("SELECT pipeline FROM change_record_cell WHERE pipeline = ? AND environment = ? FOR UPDATE")) {
            for (Cell x : new TreeSet<>(cells)) {
                p.setString(1, x.pipeline());
                p.setString(2, x.environment());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        throw new java.sql.SQLTransientException("the lock row of " + x + " is missing", "40001");
                    }
                }
            }
        }
    }

    /**
     * PostgreSQL: the cells' rows locked in one statement, in the order of their names' characters
     * (rows are locked as the sort hands them over), the order in which a rebuild takes them one by one.
     */
    private static void lockAll(Connection c, Collection<Cell> cells) throws SQLException {
        String[] pipelines = new String[cells.size()];
        String[] environments = new String[cells.size()];
        int i = 0;
        for (Cell x : cells) {
            pipelines[i] = x.pipeline();
            environments[i++] = x.environment();
        }
        try (PreparedStatement p = c.prepareStatement("SELECT pipeline FROM change_record_cell WHERE (pipeline, environment) IN"
                + " (SELECT * FROM unnest(?::varchar[], ?::varchar[])) ORDER BY pipeline COLLATE \"C\", environment COLLATE \"C\" FOR UPDATE")) {
            p.setArray(1, c.createArrayOf("varchar", pipelines));
            p.setArray(2, c.createArrayOf("varchar", environments));
            int locked = 0;
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    locked++;
                }
            }
            if (locked != cells.size()) {
                throw new java.sql.SQLTransientException("the lock rows of " + (cells.size() - locked) + " cells are missing", "40001");
            }
        }
    }

    /** Per period and cell, the changes to its aggregates that one transaction makes. */
    static final class Deltas {
        final Map<Grain, Map<Cell, TreeMap<Long, DayAggregate>>> grains = new java.util.EnumMap<>(Grain.class);

        DayAggregate at(Grain grain, Cell cell, long finished) {
            return grains.computeIfAbsent(grain, g -> new HashMap<>()).computeIfAbsent(cell, k -> new TreeMap<>())
                    .computeIfAbsent(grain.start(finished), k -> new DayAggregate());
        }

        void add(ChangeRecord r, Long restoredAt, int sign) {
            add(cell(r), DayAggregate.Facts.of(r, restoredAt), sign);
        }

        void add(Cell cell, DayAggregate.Facts f, int sign) {
            for (Grain g : Grain.values()) {
                at(g, cell, f.finished()).add(f, sign);
            }
        }

        void restore(Cell cell, long finished, Long before, Long after) {
            if (java.util.Objects.equals(before, after)) {
                return;
            }
            for (Grain g : Grain.values()) {
                DayAggregate d = at(g, cell, finished);
                if (before != null) {
                    d.restoreTimes.add(before - finished, -1);
                }
                if (after != null) {
                    d.restoreTimes.add(after - finished, 1);
                }
            }
        }
    }

    /**
     * Brings the restore times of a cell's failures up to date after records of the cell changed
     * (written already in this transaction): the failures between the last success before each
     * changed success time and that time, and every new failure. Changes of restore times go into
     * {@code deltas}.
     *
     * @param successTimes finish times of successes that were added, removed or moved in the cell
     * @param newFailures finish times and ids of failures written in this transaction (their restored_at is null now)
     */
    void restore(Connection c, Cell cell, TreeSet<Long> successTimes, Map<String, Long> newFailures, Deltas deltas) throws SQLException {
        Set<String> covered = new HashSet<>();
        List<Object[]> updates = new ArrayList<>();
        List<long[]> clusters = new ArrayList<>();
        for (long t : successTimes) {
            if (!clusters.isEmpty() && t - clusters.get(clusters.size() - 1)[1] <= CLUSTER_GAP) {
                clusters.get(clusters.size() - 1)[1] = t;
            } else {
                clusters.add(new long[] {t, t});
            }
        }
        for (long[] range : clusters) {
            Long before = success(c, cell, range[0], false);
            Long after = success(c, cell, range[1], true);
            long from = before == null ? Long.MIN_VALUE : before;
            settle(stored(c, cell, from, range[1], false), after, covered, (row, t, next) -> {
                Long stored = (Long) row[3];
                if (!java.util.Objects.equals(stored, next)) {
                    updates.add(new Object[] {row[0], next});
                    deltas.restore(cell, t, stored, next);
                }
            });
        }
        for (Map.Entry<String, Long> f : newFailures.entrySet()) {
            if (!covered.contains(f.getKey())) {
                Long next = success(c, cell, f.getValue(), true);
                if (next != null) {
                    updates.add(new Object[] {f.getKey(), next});
                    deltas.restore(cell, f.getValue(), null, next);
                }
            }
        }
        if (!updates.isEmpty()) {
            try (PreparedStatement p = c.prepareStatement("UPDATE change_record SET restored_at = ? WHERE id = ?")) {
                for (Object[] u : updates) {
                    if (u[1] == null) {
                        p.setNull(1, java.sql.Types.BIGINT);
                    } else {
                        p.setLong(1, (Long) u[1]);
                    }
                    p.setString(2, (String) u[0]);
                    p.addBatch();
                }
                p.executeBatch();
            }
        }
    }

    /** What {@link #settle} hands each failure: its row, finish time and restore time (null: not restored yet). */
    private interface Settled {
        void failure(Object[] row, long finishedAt, Long restoredAt);
    }

    /**
     * Walks a range's rows ({@code id, finish time, success, stored restore time[, new]}) from the newest and hands each
     * failure not yet {@code covered} its restore time: the finish of the first success after it, or {@code after} (the first
     * success after the range) when none in the range follows. Records finishing at one instant are settled together, so a
     * success never restores a failure of its own instant. Ranges may overlap: a failure in two is settled by the first, with
     * the same value.
     */
    private static void settle(List<Object[]> rows, Long after, Set<String> covered, Settled settled) {
        rows.sort((x, y) -> Long.compare((Long) y[1], (Long) x[1]));
        Long next = after;
        for (int i = 0; i < rows.size(); ) {
            long t = (Long) rows.get(i)[1];
            int j = i;
            boolean success = false;
            for (; j < rows.size() && (Long) rows.get(j)[1] == t; j++) {
                Object[] row = rows.get(j);
                if ((Boolean) row[2]) {
                    success = true;
                } else if (covered.add((String) row[0])) {
                    settled.failure(row, t, next);
                }
            }
            if (success) {
                next = t;
            }
            i = j;
        }
    }

    /** One cell's part of {@link #restoreBeforeInsert}: its new records and the ranges of stored records they affect. */
    private static final class Insertion {
        final Cell cell;
        final List<ChangeRecord> added;
        final TreeSet<Long> successes = new TreeSet<>();
        final List<ChangeRecord> failures = new ArrayList<>();
        /** Per range of new successes closer than the cluster gap: its first and last time, then where the stored records to read start. */
        final List<long[]> clusters = new ArrayList<>();
        /** Per cluster, the first success after it (stored or new). */
        final List<Long> after = new ArrayList<>();
        /** Per cluster, the stored records in its range. */
        final List<List<Object[]>> rows = new ArrayList<>();

        Insertion(Cell cell, List<ChangeRecord> added) {
            this.cell = cell;
            this.added = added;
            for (ChangeRecord r : added) {
                if (r.outcome().failure()) {
                    failures.add(r);
                } else {
                    successes.add(r.finishedAt().toEpochMilli());
                }
            }
            for (long t : successes) {
                if (!clusters.isEmpty() && t - clusters.get(clusters.size() - 1)[1] <= CLUSTER_GAP) {
                    clusters.get(clusters.size() - 1)[1] = t;
                } else {
                    clusters.add(new long[] {t, t, Long.MIN_VALUE});
                }
            }
        }

        boolean covers(long t) {
            for (long[] range : clusters) {
                if (t >= range[2] && t <= range[1]) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The restore times of records about to be inserted into cells that this write changes in no
     * other way (no record of them is replaced): computed before the insert from the stored records
     * and the new ones, so the new rows are written with their restore times; stored failures whose
     * restore time changes are updated. Changes of restore times go into {@code deltas}. Whatever the
     * number of cells and of ranges of new records, the stored records are read in three statements.
     *
     * @return the restore time of each new failure that has one, by id
     */
    Map<String, Long> restoreBeforeInsert(Connection c, Map<Cell, List<ChangeRecord>> byCell, Deltas deltas) throws SQLException {
        List<Insertion> cells = new ArrayList<>();
        for (Map.Entry<Cell, List<ChangeRecord>> e : new TreeMap<>(byCell).entrySet()) {
            cells.add(new Insertion(e.getKey(), e.getValue()));
        }
        // 1. the last stored success before each cluster: where the stored records it affects start
        List<Object[]> lookups = new ArrayList<>();
        for (Insertion x : cells) {
            for (long[] range : x.clusters) {
                lookups.add(new Object[] {x.cell, range[0]});
            }
        }
        List<Long> before = successes(c, lookups, false);
        int k = 0;
        for (Insertion x : cells) {
            for (long[] range : x.clusters) {
                Long b = later(before.get(k++), x.successes.lower(range[0]), true);
                range[2] = b == null ? Long.MIN_VALUE : b;
            }
        }
        // 2. the first stored success after each cluster and after each new failure outside the clusters' ranges
        lookups.clear();
        for (Insertion x : cells) {
            for (long[] range : x.clusters) {
                lookups.add(new Object[] {x.cell, range[1]});
            }
            for (ChangeRecord f : x.failures) {
                if (!x.covers(f.finishedAt().toEpochMilli())) {
                    lookups.add(new Object[] {x.cell, f.finishedAt().toEpochMilli()});
                }
            }
        }
        List<Long> after = successes(c, lookups, true);
        // 3. the stored records in the clusters' ranges
        List<Object[]> ranges = new ArrayList<>();
        for (Insertion x : cells) {
            for (long[] range : x.clusters) {
                x.rows.add(new ArrayList<>());
                ranges.add(new Object[] {x.cell, range[2], range[1], x.rows.get(x.rows.size() - 1)});
            }
        }
        stored(c, ranges);
        Map<String, Long> result = new HashMap<>();
        List<Object[]> updates = new ArrayList<>();
        k = 0;
        for (Insertion x : cells) {
            Cell cell = x.cell;
            Set<String> covered = new HashSet<>();
            for (int n = 0; n < x.clusters.size(); n++) {
                long[] range = x.clusters.get(n);
                Long next = later(after.get(k++), x.successes.higher(range[1]), false);
                long from = range[2];
                // rows: id, finish time, success, stored restore time (null for new rows), new
                List<Object[]> rows = x.rows.get(n);
                for (ChangeRecord r : x.added) {
                    long f = r.finishedAt().toEpochMilli();
                    if (f >= from && f <= range[1]) {
                        rows.add(new Object[] {r.id(), f, !r.outcome().failure(), null, true});
                    }
                }
                settle(rows, next, covered, (row, t, restored) -> {
                    Long stored = (Long) row[3];
                    if ((Boolean) row[4]) {
                        if (restored != null) {
                            result.put((String) row[0], restored);
                            deltas.restore(cell, t, null, restored);
                        }
                    } else if (!java.util.Objects.equals(stored, restored)) {
                        updates.add(new Object[] {row[0], restored});
                        deltas.restore(cell, t, stored, restored);
                    }
                });
            }
            for (ChangeRecord f : x.failures) {
                long t = f.finishedAt().toEpochMilli();
                if (!x.covers(t)) {
                    Long next = later(after.get(k++), x.successes.higher(t), false);
                    if (!covered.contains(f.id()) && next != null) {
                        result.put(f.id(), next);
                        deltas.restore(cell, t, null, next);
                    }
                }
            }
        }
        update(c, updates);
        return result;
    }

    /** A list of values as an SQL array parameter of {@code type} (the statement casts it). */
    private static java.sql.Array array(Connection c, String type, Object[] values) throws SQLException {
        return c.createArrayOf(type, values);
    }

    /** The rows of arrays a statement reads as a table, one array per column: {@code unnest} on PostgreSQL, UNNEST on H2. */
    private String unnest(String... types) {
        StringBuilder sql = new StringBuilder(postgres ? "unnest(" : "UNNEST(");
        for (int i = 0; i < types.length; i++) {
            sql.append(i == 0 ? "" : ", ").append(postgres ? "?::" + types[i] + "[]" : "CAST(? AS " + types[i] + " ARRAY)");
        }
        return sql.append(')').toString();
    }

    /**
     * For each lookup {cell, time}: the finish time of the cell's last stored success before the time
     * ({@code after} false) or first after it, or null; in one statement: per lookup an index seek and
     * the cell's records from there in finish order up to the first success (failures are a minority).
     */
    private List<Long> successes(Connection c, List<Object[]> lookups, boolean after) throws SQLException {
        Long[] found = new Long[lookups.size()];
        if (lookups.size() == 1) {
            Cell cell = (Cell) lookups.get(0)[0];
            found[0] = success(c, cell, (Long) lookups.get(0)[1], after);
        } else if (!lookups.isEmpty()) {
            String order = cellOrder("r.", after);
            try (PreparedStatement p = c.prepareStatement("SELECT k.i, (SELECT r.finished_at FROM change_record r WHERE r.pipeline = k.p"
                    + " AND r.environment = k.e AND r.outcome = 'SUCCEEDED' AND r.finished_at " + (after ? ">" : "<") + " k.t ORDER BY "
                    + order + " LIMIT 1) FROM " + unnest("INTEGER", "VARCHAR", "VARCHAR", "BIGINT") + " AS k(i, p, e, t)")) {
                bindLookups(c, p, lookups, 2);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        int i = rs.getInt(1);
                        long t = rs.getLong(2);
                        found[i] = rs.wasNull() ? null : t;
                    }
                }
            }
        }
        return java.util.Arrays.asList(found);
    }

    /** Binds {cell, value, value...} rows as arrays: indexes, pipelines, environments, then {@code values} arrays of longs. */
    private static void bindLookups(Connection c, PreparedStatement p, List<Object[]> rows, int values) throws SQLException {
        Object[] index = new Object[rows.size()];
        Object[] pipelines = new Object[rows.size()];
        Object[] environments = new Object[rows.size()];
        Object[][] longs = new Object[values - 1][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Cell cell = (Cell) rows.get(i)[0];
            index[i] = i;
            pipelines[i] = cell.pipeline();
            environments[i] = cell.environment();
            for (int v = 0; v < values - 1; v++) {
                longs[v][i] = rows.get(i)[1 + v];
            }
        }
        p.setArray(1, array(c, "integer", index));
        p.setArray(2, array(c, "varchar", pipelines));
        p.setArray(3, array(c, "varchar", environments));
        for (int v = 0; v < values - 1; v++) {
            p.setArray(4 + v, array(c, "bigint", longs[v]));
        }
    }

    /**
     * The stored records of each range {cell, from, to, rows} (finished in [from, to]) added to its
     * rows as {id, finish time, success, stored restore time, false}; in one statement.
     */
    private void stored(Connection c, List<Object[]> ranges) throws SQLException {
        if (ranges.size() == 1) {
            Object[] range = ranges.get(0);
            @SuppressWarnings("unchecked")
            List<Object[]> rows = (List<Object[]>) range[3];
            rows.addAll(stored(c, (Cell) range[0], (Long) range[1], (Long) range[2], true));
            return;
        }
        if (ranges.isEmpty()) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement("SELECT k.i, r.id, r.finished_at, r.outcome, r.restored_at FROM "
                + unnest("INTEGER", "VARCHAR", "VARCHAR", "BIGINT", "BIGINT") + " AS k(i, p, e, a, b) JOIN change_record r"
                + " ON r.pipeline = k.p AND r.environment = k.e AND r.finished_at >= k.a AND r.finished_at <= k.b")) {
            bindLookups(c, p, ranges, 3);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    @SuppressWarnings("unchecked")
                    List<Object[]> rows = (List<Object[]>) ranges.get(rs.getInt(1))[3];
                    String id = rs.getString(2);
                    long finished = rs.getLong(3);
                    boolean success = "SUCCEEDED".equals(rs.getString(4));
                    long restored = rs.getLong(5);
                    rows.add(new Object[] {id, finished, success, rs.wasNull() ? null : restored, false});
                }
            }
        }
    }

    /**
     * The stored records of a cell finished in [from, to], as {id, finish time, success, stored restore time}
     * and, with {@code markNew}, a last element {@code false} (not a record of the write in progress).
     */
    private static List<Object[]> stored(Connection c, Cell cell, long from, long to, boolean markNew) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT id, finished_at, outcome, restored_at FROM change_record"
                + " WHERE pipeline = ? AND environment = ? AND finished_at >= ? AND finished_at <= ?")) {
            p.setString(1, cell.pipeline());
            p.setString(2, cell.environment());
            p.setLong(3, from);
            p.setLong(4, to);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    long finished = rs.getLong(2);
                    boolean success = "SUCCEEDED".equals(rs.getString(3));
                    long restored = rs.getLong(4);
                    Long restoredAt = rs.wasNull() ? null : restored;
                    rows.add(markNew ? new Object[] {id, finished, success, restoredAt, false} : new Object[] {id, finished, success, restoredAt});
                }
            }
        }
        return rows;
    }

    /** The later ({@code max}) or earlier of two times, either of which may be missing. */
    private static Long later(Long a, Long b, boolean max) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return max ? Long.valueOf(Math.max(a, b)) : Long.valueOf(Math.min(a, b));
    }

    private static void update(Connection c, List<Object[]> updates) throws SQLException {
        if (updates.isEmpty()) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE change_record SET restored_at = ? WHERE id = ?")) {
            for (Object[] u : updates) {
                if (u[1] == null) {
                    p.setNull(1, java.sql.Types.BIGINT);
                } else {
                    p.setLong(1, (Long) u[1]);
                }
                p.setString(2, (String) u[0]);
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /**
     * The order of {@code change_record_pipeline_env_finished} (its columns prefixed by {@code alias}), forwards
     * or, for the last record before a time, backwards. A read of one pipeline and environment in this order
     * walks that index from the time on and stops at its first match; a shorter order (finish time alone)
     * makes H2 sort the cell's records first.
     */
    static String cellOrder(String alias, boolean forwards) {
        String direction = forwards ? "" : " DESC";
        return alias + "pipeline" + direction + ", " + alias + "environment" + direction + ", " + alias + "finished_at" + direction;
    }

    /** The finish time of the cell's last success before {@code t} ({@code after} false) or first success after it, or null. */
    private static Long success(Connection c, Cell cell, long t, boolean after) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT finished_at FROM change_record WHERE pipeline = ? AND environment = ?"
                + " AND outcome = 'SUCCEEDED' AND finished_at " + (after ? ">" : "<") + " ? ORDER BY " + cellOrder("", after) + " LIMIT 1")) {
            p.setString(1, cell.pipeline());
            p.setString(2, cell.environment());
            p.setLong(3, t);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    static final String DAY_COLUMNS = "deployments, successful, rolled_back, unscored, approved, reviewed, lead_times, restore_times, scores";

    /** Adds the deltas to the stored period rows (inserting, updating or deleting them). */
    void apply(Connection c, Deltas deltas) throws SQLException {
        try (PreparedStatement read = c.prepareStatement("SELECT period_start, " + DAY_COLUMNS + " FROM change_record_period"
                + " WHERE pipeline = ? AND environment = ? AND period = ? AND period_start >= ? AND period_start <= ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO change_record_period (pipeline, environment, period, period_start, "
                     + DAY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement update = c.prepareStatement("UPDATE change_record_period SET deployments = ?, successful = ?, rolled_back = ?,"
                     + " unscored = ?, approved = ?, reviewed = ?, lead_times = ?, restore_times = ?, scores = ?"
                     + " WHERE pipeline = ? AND environment = ? AND period = ? AND period_start = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM change_record_period WHERE pipeline = ? AND environment = ?"
                     + " AND period = ? AND period_start = ?")) {
            int inserts = 0;
            int updates = 0;
            int deletes = 0;
            Map<Grain, Map<Cell, Map<Long, DayAggregate>>> storedRows = storedPeriods(c, read, deltas);
            for (Map.Entry<Grain, Map<Cell, TreeMap<Long, DayAggregate>>> g : deltas.grains.entrySet()) {
            String period = g.getKey().code;
            for (Map.Entry<Cell, TreeMap<Long, DayAggregate>> e : new TreeMap<>(g.getValue()).entrySet()) {
                Cell cell = e.getKey();
                TreeMap<Long, DayAggregate> days = e.getValue();
                Map<Long, DayAggregate> stored = storedRows.get(g.getKey()).get(cell);
                for (Map.Entry<Long, DayAggregate> d : days.entrySet()) {
                    DayAggregate before = stored.get(d.getKey());
                    DayAggregate after = new DayAggregate();
                    if (before != null) {
                        after.merge(before);
                    }
                    after.merge(d.getValue());
                    if (before == null && after.isEmpty()) {
                        continue;
                    }
                    if (after.isEmpty()) {
                        delete.setString(1, cell.pipeline());
                        delete.setString(2, cell.environment());
                        delete.setString(3, period);
                        delete.setLong(4, d.getKey());
                        delete.addBatch();
                        deletes++;
                    } else if (before == null) {
                        insert.setString(1, cell.pipeline());
                        insert.setString(2, cell.environment());
                        insert.setString(3, period);
                        insert.setLong(4, d.getKey());
                        bind(insert, 5, after);
                        insert.addBatch();
                        inserts++;
                    } else {
                        int i = bind(update, 1, after);
                        update.setString(i++, cell.pipeline());
                        update.setString(i++, cell.environment());
                        update.setString(i++, period);
                        update.setLong(i, d.getKey());
                        update.addBatch();
                        updates++;
                    }
                }
            }
            }
            if (inserts > 0) {
                insert.executeBatch();
            }
            if (updates > 0) {
                update.executeBatch();
            }
            if (deletes > 0) {
                delete.executeBatch();
            }
        }
    }

    /**
     * The stored period rows the deltas change, per grain and cell: with more than one grain and cell,
     * in one statement (the rows of each grain and cell between its first and last changed period).
     */
    private Map<Grain, Map<Cell, Map<Long, DayAggregate>>> storedPeriods(Connection c, PreparedStatement single, Deltas deltas)
            throws SQLException {
        Map<Grain, Map<Cell, Map<Long, DayAggregate>>> result = new java.util.EnumMap<>(Grain.class);
        List<Object[]> ranges = new ArrayList<>();
        for (Map.Entry<Grain, Map<Cell, TreeMap<Long, DayAggregate>>> g : deltas.grains.entrySet()) {
            Map<Cell, Map<Long, DayAggregate>> cells = new HashMap<>();
            result.put(g.getKey(), cells);
            for (Map.Entry<Cell, TreeMap<Long, DayAggregate>> e : g.getValue().entrySet()) {
                Map<Long, DayAggregate> rows = new HashMap<>();
                cells.put(e.getKey(), rows);
                ranges.add(new Object[] {e.getKey(), g.getKey().code, e.getValue().firstKey(), e.getValue().lastKey(), rows, e.getValue()});
            }
        }
        if (ranges.size() == 1) {
            Object[] range = ranges.get(0);
            Cell cell = (Cell) range[0];
            single.setString(1, cell.pipeline());
            single.setString(2, cell.environment());
            single.setString(3, (String) range[1]);
            single.setLong(4, (Long) range[2]);
            single.setLong(5, (Long) range[3]);
            try (ResultSet rs = single.executeQuery()) {
                while (rs.next()) {
                    read(rs, 1, range);
                }
            }
            return result;
        }
        if (ranges.isEmpty()) {
            return result;
        }
        Object[] index = new Object[ranges.size()];
        Object[] pipelines = new Object[ranges.size()];
        Object[] environments = new Object[ranges.size()];
        Object[] periods = new Object[ranges.size()];
        Object[] from = new Object[ranges.size()];
        Object[] to = new Object[ranges.size()];
        for (int i = 0; i < ranges.size(); i++) {
            Object[] range = ranges.get(i);
            index[i] = i;
            pipelines[i] = ((Cell) range[0]).pipeline();
            environments[i] = ((Cell) range[0]).environment();
            periods[i] = range[1];
            from[i] = range[2];
            to[i] = range[3];
        }
        try (PreparedStatement p = c.prepareStatement("SELECT k.i, d.period_start, " + prefixed("d.", DAY_COLUMNS) + " FROM "
                + unnest("INTEGER", "VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "BIGINT") + " AS k(i, p, e, g, a, b)"
                + " JOIN change_record_period d ON d.pipeline = k.p AND d.environment = k.e AND d.period = k.g"
                + " AND d.period_start >= k.a AND d.period_start <= k.b")) {
            p.setArray(1, array(c, "integer", index));
            p.setArray(2, array(c, "varchar", pipelines));
            p.setArray(3, array(c, "varchar", environments));
            p.setArray(4, array(c, "varchar", periods));
            p.setArray(5, array(c, "bigint", from));
            p.setArray(6, array(c, "bigint", to));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Object[] range = ranges.get(rs.getInt(1));
                    read(rs, 2, range);
                }
            }
        }
        return result;
    }

    /** The current row of {@code rs}: the period start at column {@code from}, then its columns, kept if the range changes that period. */
    private static void read(ResultSet rs, int from, Object[] range) throws SQLException {
        @SuppressWarnings("unchecked")
        Map<Long, DayAggregate> rows = (Map<Long, DayAggregate>) range[4];
        @SuppressWarnings("unchecked")
        Map<Long, DayAggregate> changed = (Map<Long, DayAggregate>) range[5];
        long start = rs.getLong(from);
        if (changed.containsKey(start)) {
            rows.put(start, row(rs, from + 1));
        }
    }

    private static String prefixed(String alias, String columns) {
        return alias + String.join(", " + alias, columns.split(",\\s*"));
    }

    private static int bind(PreparedStatement p, int from, DayAggregate a) throws SQLException {
        int i = from;
        p.setLong(i++, a.deployments);
        p.setLong(i++, a.successful);
        p.setLong(i++, a.rolledBack);
        p.setLong(i++, a.unscored);
        p.setLong(i++, a.approved);
        p.setLong(i++, a.reviewed);
        p.setBytes(i++, a.leadTimes.encode());
        p.setBytes(i++, a.restoreTimes.encode());
        p.setBytes(i++, a.scores.encode());
        return i;
    }

    /** A day row read from {@link #DAY_COLUMNS} starting at column {@code from}. */
    static DayAggregate row(ResultSet rs, int from) throws SQLException {
        DayAggregate a = new DayAggregate(TimeHistogram.decode(rs.getBytes(from + 6)), TimeHistogram.decode(rs.getBytes(from + 7)),
                TimeHistogram.decode(rs.getBytes(from + 8)));
        a.deployments = rs.getLong(from);
        a.successful = rs.getLong(from + 1);
        a.rolledBack = rs.getLong(from + 2);
        a.unscored = rs.getLong(from + 3);
        a.approved = rs.getLong(from + 4);
        a.reviewed = rs.getLong(from + 5);
        return a;
    }

    /**
     * Recomputes every cell's restore times and day rows from its records, one cell per transaction
     * (under its lock, so writers may go on meanwhile). Reports the records done so far.
     *
     * @return the number of records read
     */
    long rebuild(Connection c, LongConsumer progress) throws SQLException {
        boolean auto = c.getAutoCommit();
        List<Cell> cells = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT pipeline, environment FROM change_record")) {
            while (rs.next()) {
                cells.add(new Cell(rs.getString(1), rs.getString(2)));
            }
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pipeline, environment FROM change_record_cell")) {
            while (rs.next()) {
                cells.add(new Cell(rs.getString(1), rs.getString(2)));
            }
        }
        cells = new ArrayList<>(new TreeSet<>(cells));
        if (auto) {
            ensureCells(c, cells);
        } else {
            insertCells(c, cells);
        }
        long done = 0;
        c.setAutoCommit(false);
        try {
            for (Cell cell : cells) {
                lock(c, List.of(cell));
                long base = done;
                done += rebuild(c, cell, n -> progress.accept(base + n));
                if (auto) {
                    c.commit();
                }
                progress.accept(done);
            }
        } finally {
            if (auto) {
                c.commit();
                c.setAutoCommit(true);
            }
        }
        return done;
    }

    /** Inside the migration's transaction: the lock rows of all cells. */
    private static void insertCells(Connection c, List<Cell> cells) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO change_record_cell (pipeline, environment) SELECT ?, ?"
                + " WHERE NOT EXISTS (SELECT 1 FROM change_record_cell WHERE pipeline = ? AND environment = ?)")) {
            for (Cell x : cells) {
                p.setString(1, x.pipeline());
                p.setString(2, x.environment());
                p.setString(3, x.pipeline());
                p.setString(4, x.environment());
                p.executeUpdate();
            }
        }
    }

    private long rebuild(Connection c, Cell cell, LongConsumer progress) throws SQLException {
        TreeMap<Long, DayAggregate> days = new TreeMap<>();
        List<Object[]> updates = new ArrayList<>();
        // failures waiting for their success: id, finish time, stored restore time, the record's facts
        List<Object[]> waiting = new ArrayList<>();
        long n = 0;
        try (PreparedStatement p = c.prepareStatement("SELECT id, finished_at, outcome, commit_time, restored_at, risk_score, risk_level,"
                + " approvals, pir_url FROM change_record WHERE pipeline = ? AND environment = ? ORDER BY pipeline, environment, finished_at")) {
            p.setFetchSize(1000);
            p.setString(1, cell.pipeline());
            p.setString(2, cell.environment());
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    if (++n % 10_000 == 0) {
                        progress.accept(n);
                    }
                    long finished = rs.getLong(2);
                    Outcome outcome = Outcome.valueOf(rs.getString(3));
                    long commit = rs.getLong(4);
                    Long commitTime = rs.wasNull() ? null : commit;
                    long restored = rs.getLong(5);
                    Long storedRestore = rs.wasNull() ? null : restored;
                    int score = rs.getInt(6);
                    Integer riskScore = rs.wasNull() ? null : score;
                    String approvals = rs.getString(8);
                    DayAggregate.Facts facts = new DayAggregate.Facts(cell.pipeline(), cell.environment(), finished, outcome, commitTime,
                            null, riskScore, rs.getString(7), approvals != null && !approvals.isBlank(),
                            outcome.failure() && rs.getString(9) != null);
                    if (outcome == Outcome.SUCCEEDED) {
                        int kept = 0;
                        for (Object[] w : waiting) {
                            if ((Long) w[1] < finished) {
                                restored(days, updates, w, finished);
                            } else {
                                waiting.set(kept++, w);
                            }
                        }
                        waiting.subList(kept, waiting.size()).clear();
                        days.computeIfAbsent(dayOf(finished), k -> new DayAggregate()).add(facts, 1);
                    } else {
                        waiting.add(new Object[] {rs.getString(1), finished, storedRestore, facts});
                    }
                }
            }
        }
        for (Object[] w : waiting) {
            restored(days, updates, w, null);
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE change_record SET restored_at = ? WHERE id = ?")) {
            int batch = 0;
            for (Object[] u : updates) {
                if (u[1] == null) {
                    p.setNull(1, java.sql.Types.BIGINT);
                } else {
                    p.setLong(1, (Long) u[1]);
                }
                p.setString(2, (String) u[0]);
                p.addBatch();
                if (++batch % 1000 == 0) {
                    p.executeBatch();
                }
            }
            if (batch % 1000 != 0) {
                p.executeBatch();
            }
        }
        try (PreparedStatement p = c.prepareStatement("DELETE FROM change_record_period WHERE pipeline = ? AND environment = ?")) {
            p.setString(1, cell.pipeline());
            p.setString(2, cell.environment());
            p.executeUpdate();
        }
        Deltas deltas = new Deltas();
        for (Map.Entry<Long, DayAggregate> d : days.entrySet()) {
            for (Grain g : Grain.values()) {
                deltas.at(g, cell, d.getKey()).merge(d.getValue());
            }
        }
        if (!days.isEmpty()) {
            apply(c, deltas);
        }
        return n;
    }

    private static void restored(TreeMap<Long, DayAggregate> days, List<Object[]> updates, Object[] waiting, Long at) {
        DayAggregate.Facts f = (DayAggregate.Facts) waiting[3];
        DayAggregate.Facts restored = new DayAggregate.Facts(f.pipeline(), f.environment(), f.finished(), f.outcome(), f.commitTime(), at,
                f.score(), f.level(), f.approved(), f.reviewed());
        days.computeIfAbsent(dayOf(f.finished()), k -> new DayAggregate()).add(restored, 1);
        if (!java.util.Objects.equals(waiting[2], at)) {
            updates.add(new Object[] {waiting[0], at});
        }
    }
}
