package io.riskgate.records;

import io.riskgate.RiskGateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Incidents and reviews in the tables of schema version 5, on the connection of a
 * {@link JdbcChangeRecordStore} (same database, same transactions and retries). The rules are
 * {@link IncidentStore}'s.
 */
final class JdbcIncidentStore implements IncidentStore {
    private static final String COLUMNS = "id, source, title, severity, pipeline, environment, started_at, resolved_at, deployment_id, link";

    private final JdbcChangeRecordStore store;

    JdbcIncidentStore(JdbcChangeRecordStore store) {
        this.store = store;
    }

    @Override
    public Result open(IncidentReport report) {
        return apply(List.of(new IncidentReport(report.id(), report.source(), report.title(), report.severity(), report.pipeline(),
                report.environment(), report.startedAt(), null, report.deploymentId(), report.commit()))).get(0);
    }

    @Override
    public Result resolve(IncidentReport report) {
        if (report.resolvedAt() == null) {
            throw new RiskGateException("resolving incident " + RecordTimes.quote(report.id()) + " needs the time it was resolved");
        }
        return apply(List.of(report)).get(0);
    }

    @Override
    public List<Result> apply(List<IncidentReport> reports) {
        if (reports.isEmpty()) {
            return List.of();
        }
        return store.withConnection("write to", true, c -> transaction(c, () -> {
            List<Result> results = new ArrayList<>(reports.size());
            for (IncidentReport r : reports) {
                results.add(r.resolvedAt() == null ? open(c, r) : resolve(c, r));
            }
            return results;
        }));
    }

    private Result open(Connection c, IncidentReport r) throws SQLException {
        Optional<Incident> stored = find(c, r.id());
        if (stored.isEmpty()) {
            Incident added = link(c, complete(c, r), r);
            upsert(c, added, true);
            return new Result(Change.ADDED, added);
        }
        Incident before = stored.get();
        if (!before.open()) {
            return new Result(Change.UNCHANGED, before);   // a resolution is final
        }
        Incident after = new Incident(before.id(), before.source(), r.title() == null ? before.title() : r.title(),
                r.severity() == null ? before.severity() : r.severity(), before.pipeline(), before.environment(), before.startedAt(), null,
                before.deploymentId(), before.link());
        if (r.deploymentId() != null || r.commit() != null || before.link() != Incident.Link.EXPLICIT) {
            after = link(c, after, r);
        }
        if (after.equals(before)) {
            return new Result(Change.UNCHANGED, before);
        }
        upsert(c, after, false);
        return new Result(Change.UPDATED, after);
    }

    private Result resolve(Connection c, IncidentReport r) throws SQLException {
        Optional<Incident> stored = find(c, r.id());
        if (stored.isEmpty()) {
            if (r.startedAt() == null || (r.deploymentId() == null && (r.pipeline() == null || r.environment() == null))) {
                throw new RiskGateException("there is no incident " + RecordTimes.quote(r.id()) + " to resolve: open it first, or give its"
                        + " start, pipeline and environment to record it resolved");
            }
            Incident added = link(c, complete(c, r), r);
            upsert(c, added, true);
            return new Result(Change.ADDED, added);
        }
        Incident before = stored.get();
        if (!before.open()) {
            return new Result(Change.UNCHANGED, before);
        }
        if (r.resolvedAt().isBefore(before.startedAt())) {
            throw new RiskGateException("incident " + RecordTimes.quote(r.id()) + " started at " + before.startedAt()
                    + ": it cannot be resolved before that (" + r.resolvedAt() + ")");
        }
        Incident after = before.resolved(r.resolvedAt());
        upsert(c, after, false);
        return new Result(Change.UPDATED, after);
    }

    /** The incident a first report stores: its service from the named deployment when the report does not name it. */
    private Incident complete(Connection c, IncidentReport r) throws SQLException {
        String pipeline = r.pipeline();
        String environment = r.environment();
        if ((pipeline == null || environment == null) && r.deploymentId() != null) {
            String[] service = service(c, r.deploymentId());
            pipeline = pipeline == null ? service[0] : pipeline;
            environment = environment == null ? service[1] : environment;
        }
        if (pipeline == null || environment == null || r.startedAt() == null) {
            throw new RiskGateException("incident " + RecordTimes.quote(r.id()) + " is new: it needs its start and the pipeline and"
                    + " environment it hit (or the deployment it is linked to)");
        }
        return new Incident(r.id(), r.source(), r.title() == null ? r.id() : r.title(), r.severity(), pipeline, environment,
                r.startedAt(), r.resolvedAt(), null, Incident.Link.NONE);
    }

    private static String[] service(Connection c, String deploymentId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT pipeline, environment FROM change_record WHERE id = ?")) {
            p.setString(1, deploymentId);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    throw new RiskGateException("there is no deployment " + RecordTimes.quote(deploymentId) + " in the record store: give the id"
                            + " of a change record (riskgate export shows them)");
                }
                return new String[] {rs.getString(1), rs.getString(2)};
            }
        }
    }

    /** The incident with its deployment: the one named, else the one live when it started, else none. */
    private Incident link(Connection c, Incident i, IncidentReport r) throws SQLException {
        if (r.deploymentId() != null) {
            service(c, r.deploymentId());   // it exists
            return i.withLink(r.deploymentId(), Incident.Link.EXPLICIT);
        }
        if (r.commit() != null) {
            String commit = r.commit().toLowerCase(Locale.ROOT);
            try (PreparedStatement p = c.prepareStatement("SELECT id FROM change_record WHERE pipeline = ? AND environment = ?"
                    + " AND LOWER(commit_sha) LIKE ? AND finished_at <= ? ORDER BY finished_at DESC, id DESC LIMIT 1")) {
                p.setString(1, i.pipeline());
                p.setString(2, i.environment());
                p.setString(3, commit + "%");   // hex digits only: nothing to escape
                p.setLong(4, i.startedAt().toEpochMilli());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        throw new RiskGateException("incident " + RecordTimes.quote(i.id()) + ": no deployment of commit " + RecordTimes.quote(commit)
                                + " to " + RecordTimes.quote(i.environment()) + " by pipeline " + RecordTimes.quote(i.pipeline())
                                + " finished by " + i.startedAt() + ": check the commit, or leave it out to link the deployment live then");
                    }
                    return i.withLink(rs.getString(1), Incident.Link.EXPLICIT);
                }
            }
        }
        // the last success's finish time read backwards along change_record_pipeline_env_finished, then the greatest id
        // of the successes that finished at that moment
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM change_record WHERE pipeline = ? AND environment = ?"
                + " AND outcome = 'SUCCEEDED' AND finished_at = (SELECT finished_at FROM change_record WHERE pipeline = ? AND environment = ?"
                + " AND outcome = 'SUCCEEDED' AND finished_at <= ? ORDER BY " + Aggregates.cellOrder("", false) + " LIMIT 1)"
                + " ORDER BY id DESC LIMIT 1")) {
            p.setString(1, i.pipeline());
            p.setString(2, i.environment());
            p.setString(3, i.pipeline());
            p.setString(4, i.environment());
            p.setLong(5, i.startedAt().toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? i.withLink(rs.getString(1), Incident.Link.LIVE) : i.withLink(null, Incident.Link.NONE);
            }
        }
    }

    private void upsert(Connection c, Incident i, boolean insert) throws SQLException {
        long now = System.currentTimeMillis();
        String sql = insert
                ? "INSERT INTO incident (" + COLUMNS + ", recorded_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                : "UPDATE incident SET source = ?, title = ?, severity = ?, pipeline = ?, environment = ?, started_at = ?, resolved_at = ?,"
                        + " deployment_id = ?, link = ?, updated_at = ? WHERE id = ?";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int n = 1;
            if (insert) {
                p.setString(n++, i.id());
            }
            p.setString(n++, i.source());
            p.setString(n++, i.title());
            p.setString(n++, i.severity());
            p.setString(n++, i.pipeline());
            p.setString(n++, i.environment());
            p.setLong(n++, i.startedAt().toEpochMilli());
            setTime(p, n++, i.resolvedAt());
            p.setString(n++, i.deploymentId());
            p.setString(n++, i.link().name());
            if (insert) {
                p.setLong(n++, now);
            }
            p.setLong(n++, now);
            if (!insert) {
                p.setString(n, i.id());
            }
            p.executeUpdate();
        }
    }

    @Override
    public Optional<Incident> find(String id) {
        return store.withConnection("read", false, c -> find(c, id));
    }

    private static Optional<Incident> find(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM incident WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public List<Incident> incidents(RecordQuery query, int offset, int limit) {
        Where w = Where.incidents(query, "");
        return store.withConnection("read", false, c -> {
            List<Incident> result = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM incident" + w.sql
                    + " ORDER BY started_at DESC, id LIMIT ? OFFSET ?")) {
                int n = w.bind(p, 1);
                p.setInt(n++, limit);
                p.setInt(n, offset);
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
    public Map<String, List<Incident>> forDeployments(Set<String> deploymentIds) {
        if (deploymentIds.isEmpty()) {
            return Map.of();
        }
        return store.withConnection("read", false, c -> {
            Map<String, List<Incident>> found = new LinkedHashMap<>();
            List<String> all = new ArrayList<>(deploymentIds);
            for (int from = 0; from < all.size(); from += 500) {
                List<String> part = all.subList(from, Math.min(all.size(), from + 500));
                try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM incident WHERE deployment_id IN ("
                        + String.join(", ", Collections.nCopies(part.size(), "?")) + ") ORDER BY started_at, id")) {
                    for (int i = 0; i < part.size(); i++) {
                        p.setString(i + 1, part.get(i));
                    }
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            Incident incident = map(rs);
                            found.computeIfAbsent(incident.deploymentId(), k -> new ArrayList<>()).add(incident);
                        }
                    }
                }
            }
            return found;
        });
    }

    @Override
    public Set<String> linkedDeployments(RecordQuery query) {
        // from the incidents' ids into the records' primary key: a read bounded by the incidents, never by the selection's records
        Where w = Where.records(query, "r.");
        return ids("SELECT r.id FROM change_record r" + w.and("r.id IN (SELECT i.deployment_id FROM incident i)"), w);
    }

    @Override
    public Set<String> reviewedDeployments(RecordQuery query) {
        Where w = Where.records(query, "r.");
        return ids("SELECT r.id FROM change_record r" + w.and("(r.pir_url IS NOT NULL OR EXISTS (SELECT 1 FROM deployment_review v"
                + " WHERE v.deployment_id = r.id))"), w);
    }

    @Override
    public Set<String> reviewedWithoutUrl(RecordQuery query) {
        Where w = Where.records(query, "r.");
        return ids("SELECT r.id FROM change_record r" + w.and("r.id IN (SELECT v.deployment_id FROM deployment_review v) AND r.pir_url IS NULL"), w);
    }

    private Set<String> ids(String sql, Where w) {
        return store.withConnection("read", false, c -> {
            Set<String> ids = new HashSet<>();
            try (PreparedStatement p = c.prepareStatement(sql)) {
                w.bind(p, 1);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    @Override
    public IncidentMetrics metrics(RecordQuery query) {
        Where records = Where.records(query, "r.");
        Where incidents = Where.incidents(query, "");
        return store.withConnection("read", false, c -> {
            // the deployments and their failures from the aggregates; those an incident is linked to from the incidents:
            // a read bounded by the number of incidents, never of the records
            DayAggregate totals = store.totals(c, query);
            long deployments = totals.deployments;
            long caused;
            long causedAmongSuccesses;
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN r.outcome = 'SUCCEEDED' THEN 1 ELSE 0 END)"
                    + " FROM change_record r" + records.and("r.id IN (SELECT i.deployment_id FROM incident i WHERE i.deployment_id IS NOT NULL)"))) {
                records.bind(p, 1);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    caused = rs.getLong(1);
                    causedAmongSuccesses = rs.getLong(2);
                }
            }
            long either = deployments - totals.successful + causedAmongSuccesses;
            long count;
            long open;
            long unlinked;
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END),"
                    + " SUM(CASE WHEN deployment_id IS NULL THEN 1 ELSE 0 END) FROM incident" + incidents.sql)) {
                incidents.bind(p, 1);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    count = rs.getLong(1);
                    open = rs.getLong(2);
                    unlinked = rs.getLong(3);
                }
            }
            // the restore times in order: one number per resolved incident, for the exact median and nearest-rank p90
            List<Long> restores = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT resolved_at - started_at FROM incident"
                    + incidents.and("resolved_at IS NOT NULL") + " ORDER BY resolved_at - started_at")) {
                incidents.bind(p, 1);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        restores.add(rs.getLong(1));
                    }
                }
            }
            Double median = null;
            Double p90 = null;
            int n = restores.size();
            if (n > 0) {
                median = (n % 2 == 1 ? restores.get(n / 2) : (restores.get(n / 2 - 1) + restores.get(n / 2)) / 2.0) / 1000.0;
                p90 = restores.get((int) Math.max(1, (n * 90L + 99) / 100) - 1) / 1000.0;
            }
            return new IncidentMetrics(deployments, caused, either, count, open, unlinked,
                    deployments == 0 ? null : (double) caused / deployments, deployments == 0 ? null : (double) either / deployments, median, p90);
        });
    }

    @Override
    public Change review(Review review) {
        return store.withConnection("write to", true, c -> transaction(c, () -> {
            try (PreparedStatement p = c.prepareStatement("SELECT outcome, EXISTS (SELECT 1 FROM incident i WHERE i.deployment_id = r.id)"
                    + " FROM change_record r WHERE r.id = ?")) {
                p.setString(1, review.deploymentId());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        throw new RiskGateException("there is no deployment " + RecordTimes.quote(review.deploymentId())
                                + " in the record store: give the id of a change record (riskgate review list shows the ones waiting)");
                    }
                    if (Outcome.valueOf(rs.getString(1)) == Outcome.SUCCEEDED && !rs.getBoolean(2)) {
                        throw new RiskGateException("deployment " + RecordTimes.quote(review.deploymentId()) + " succeeded and no incident is"
                                + " linked to it: post-incident reviews are for failed, rolled-back or incident-linked deployments");
                    }
                }
            }
            Optional<Review> before = review(c, review.deploymentId());
            if (before.isPresent() && before.get().equals(review)) {
                return Change.UNCHANGED;
            }
            long now = System.currentTimeMillis();
            try (PreparedStatement p = c.prepareStatement(before.isPresent()
                    ? "UPDATE deployment_review SET url = ?, author = ?, reviewed_at = ?, summary = ?, recorded_at = ? WHERE deployment_id = ?"
                    : "INSERT INTO deployment_review (url, author, reviewed_at, summary, recorded_at, deployment_id) VALUES (?, ?, ?, ?, ?, ?)")) {
                p.setString(1, review.url());
                p.setString(2, review.author());
                p.setLong(3, review.reviewedAt().toEpochMilli());
                p.setString(4, review.summary());
                p.setLong(5, now);
                p.setString(6, review.deploymentId());
                p.executeUpdate();
            }
            store.linkReview(c, review.deploymentId(), review.url());
            return before.isPresent() ? Change.UPDATED : Change.ADDED;
        }));
    }

    @Override
    public Optional<Review> review(String deploymentId) {
        return store.withConnection("read", false, c -> review(c, deploymentId));
    }

    private static Optional<Review> review(Connection c, String deploymentId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT deployment_id, url, author, reviewed_at, summary FROM deployment_review"
                + " WHERE deployment_id = ?")) {
            p.setString(1, deploymentId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(new Review(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                        rs.getString(5))) : Optional.empty();
            }
        }
    }

    @Override
    public List<AwaitingReview> awaitingReview(RecordQuery query, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        Where w = Where.records(query, "r.");
        String incidents = "(SELECT COUNT(*) FROM incident i WHERE i.deployment_id = r.id)";
        return store.withConnection("read", false, c -> {
            // the finish time of the last one listed, read in index order up to it (the id that breaks ties is not in the
            // index: ordered by both, the database would sort every record of the selection) ...
            Long boundary;
            try (PreparedStatement p = c.prepareStatement("SELECT r.finished_at FROM change_record r" + w.and(AWAITING) + " ORDER BY "
                    + Where.finishOrderPrefix(query, "r.", "") + "r.finished_at LIMIT 1 OFFSET ?")) {
                int n = w.bind(p, 1);
                p.setInt(n, limit - 1);
                try (ResultSet rs = p.executeQuery()) {
                    boundary = rs.next() ? rs.getLong(1) : null;
                }
            }
            // ... then those finished at or before it, in full order
            String sql = "SELECT r.id, r.pipeline, r.environment, r.commit_sha, r.finished_at, r.outcome, " + incidents + " FROM change_record r"
                    + w.and(AWAITING + (boundary == null ? "" : " AND r.finished_at <= ?")) + " ORDER BY r.finished_at, r.id LIMIT ?";
            List<AwaitingReview> result = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(sql)) {
                int n = w.bind(p, 1);
                if (boundary != null) {
                    p.setLong(n++, boundary);
                }
                p.setInt(n, limit);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        result.add(new AwaitingReview(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                Instant.ofEpochMilli(rs.getLong(5)), Outcome.valueOf(rs.getString(6)), rs.getInt(7)));
                    }
                }
            }
            return result;
        });
    }

    /**
     * Exact, from the aggregates: the selection's failures without a {@code pirUrl} (failures less the
     * failures with one, both kept per day), less those of them with a review, plus the successful
     * deployments linked to an incident without a {@code pirUrl} or a review; the last two are read
     * from the reviews' and the incidents' deployment ids into the records' primary key, so the read is
     * bounded by the reviews and incidents, never by the selection's records. A query by outcome or
     * risk level, which the aggregates do not count apart, counts the records.
     */
    @Override
    public long awaitingReviewCount(RecordQuery query) {
        if (query.selectsNothing()) {
            return 0;
        }
        Where w = Where.records(query, "r.");
        if (JdbcChangeRecordStore.narrowed(query)) {
            return store.withConnection("read", false, c -> count(c, "SELECT COUNT(*) FROM change_record r" + w.and(AWAITING), w));
        }
        return store.withConnection("read", false, c -> {
            DayAggregate totals = store.totals(c, query);
            long reviewedFailures = count(c, "SELECT COUNT(*) FROM change_record r" + w.and("r.id IN (SELECT v.deployment_id FROM"
                    + " deployment_review v) AND r.pir_url IS NULL AND r.outcome <> 'SUCCEEDED'"), w);
            long linkedSuccesses = count(c, "SELECT COUNT(*) FROM change_record r" + w.and("r.id IN (SELECT i.deployment_id FROM"
                    + " incident i) AND r.outcome = 'SUCCEEDED' AND r.pir_url IS NULL AND NOT EXISTS (SELECT 1 FROM deployment_review v"
                    + " WHERE v.deployment_id = r.id)"), w);
            return totals.failures() - totals.reviewed - reviewedFailures + linkedSuccesses;
        });
    }

    /** Which records await a review: failed, rolled back or linked to an incident, without a {@code pirUrl} or a review. */
    private static final String AWAITING = "r.pir_url IS NULL AND NOT EXISTS (SELECT 1 FROM deployment_review v WHERE v.deployment_id"
            + " = r.id) AND (r.outcome <> 'SUCCEEDED' OR EXISTS (SELECT 1 FROM incident i WHERE i.deployment_id = r.id))";

    private static long count(Connection c, String sql, Where w) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            w.bind(p, 1);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Incident map(ResultSet rs) throws SQLException {
        long resolved = rs.getLong(8);
        Instant resolvedAt = rs.wasNull() ? null : Instant.ofEpochMilli(resolved);
        return new Incident(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                Instant.ofEpochMilli(rs.getLong(7)), resolvedAt, rs.getString(9), Incident.Link.valueOf(rs.getString(10)));
    }

    private static void setTime(PreparedStatement p, int i, Instant t) throws SQLException {
        if (t == null) {
            p.setNull(i, Types.BIGINT);
        } else {
            p.setLong(i, t.toEpochMilli());
        }
    }

    @FunctionalInterface
    private interface Body<T> {
        T run() throws SQLException;
    }

    /** The body in one transaction: committed when it returns, rolled back when it throws. */
    private static <T> T transaction(Connection c, Body<T> body) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = body.run();
            c.commit();
            return result;
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
}
