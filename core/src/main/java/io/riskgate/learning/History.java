package io.riskgate.learning;

import io.riskgate.RiskGateException;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.RecordQuery;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Past changes read from a CSV file, ordered by time (oldest first; rows with the same time keep
 * the file's order): whether each failed, when, its change metrics and extra features. Only the
 * needed columns are kept, in primitive arrays, so a million rows take tens of megabytes.
 *
 * <p>Metrics not in the file, and empty metric cells, count as for a change without them:
 * lines and entropy 0; files, directories and subsystems 1 when lines changed (0 otherwise, and at
 * least 1 when lines changed); commits and authors 1. Entropy in bits (any value above 1, as in
 * ApacheJIT and Kamei et al.'s data) is normalised to 0..1 by log2 of the row's files, like the
 * product's own entropy. A history measure empty in at most {@link #MAX_FILLED_SHARE} of the rows is kept (its
 * empty cells take its median in the rows a model is fitted on), in more rows it is left out; a measure whose
 * column repeats an earlier measure's values in every row is counted once; rows without an outcome or a time are
 * skipped. Each of these is said in {@link #notes()}.
 */
public final class History {
    /** Rows between two progress reports. */
    public static final int PROGRESS_EVERY = 100_000;
    /** Record states of the change records' export that are not outcomes of a deployment: such rows are skipped. */
    private static final int FIX = HistoryColumns.METRICS.indexOf("fix");
    /**
     * The largest share of rows in which a history measure may be empty and still be used: its empty cells then take
     * the measure's median in the rows a model is fitted on. A measure empty in more rows (a history that
     * began before the product measured it) is left out, so that filled values do not make up most of it.
     */
    static final double MAX_FILLED_SHARE = 0.05;
    /** The fewest rows in which two measures that agree in every row count as one column written twice. */
    static final int COPY_CHECK_ROWS = 20;
    private static final Set<String> NOT_DEPLOYED = Set.of("BLOCKED", "REJECTED", "ABORTED", "RUNNING", "WAITING_FOR_APPROVAL");

    private final String source;
    private final long[] time;
    private final boolean[] failed;
    private final double[][] metrics;
    private final Map<String, String> metricColumns;
    private final double[] riskScore;
    private final List<String> features;
    private final double[][] featureValues;
    private final int skipped;
    private final boolean entropyInBits;
    private final List<String> notes;

    private History(String source, long[] time, boolean[] failed, double[][] metrics, Map<String, String> metricColumns,
                    double[] riskScore, List<String> features, double[][] featureValues, int skipped, boolean entropyInBits,
                    List<String> notes) {
        this.source = source;
        this.time = time;
        this.failed = failed;
        this.metrics = metrics;
        this.metricColumns = Collections.unmodifiableMap(metricColumns);
        this.riskScore = riskScore;
        this.features = List.copyOf(features);
        this.featureValues = featureValues;
        this.skipped = skipped;
        this.entropyInBits = entropyInBits;
        this.notes = List.copyOf(notes);
    }

    /**
     * Reads a history file.
     *
     * @param progress told the number of rows read every {@link #PROGRESS_EVERY} rows; may be null
     */
    public static History read(Path file, HistoryColumns columns, LongConsumer progress) {
        try (Reader reader = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
            return read(reader, file.toString(), columns, progress);
        } catch (NoSuchFileException e) {
            throw new RiskGateException("history " + file + " does not exist: pass a CSV file with one row per change");
        } catch (IOException e) {
            throw new RiskGateException("cannot read history " + file + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "): check the file");
        }
    }

    /** Reads a history from a stream; {@code source} names it in messages. */
    public static History read(Reader reader, String source, HistoryColumns columns, LongConsumer progress) throws IOException {
        CsvReader csv = new CsvReader(reader);
        List<String> header = csv.nextAll();
        if (header == null || header.size() == 1 && header.get(0).isBlank()) {
            throw new RiskGateException("history " + source + " is empty: expected a header line and one row per change");
        }
        if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
            header.set(0, header.get(0).substring(1));
        }
        header.replaceAll(String::trim);
        Map<String, String> metricColumns = columns.resolveMetrics(header);
        int outcomeAt = column(header, columns.outcome(), "--outcome", source);
        int timeAt = column(header, columns.time(), "--time", source);
        int[] metricAt = new int[HistoryColumns.METRICS.size()];
        Arrays.fill(metricAt, -1);
        for (Map.Entry<String, String> e : metricColumns.entrySet()) {
            metricAt[HistoryColumns.METRICS.indexOf(e.getKey())] = column(header, e.getValue(), "--map " + e.getKey(), source);
        }
        int riskScoreAt = header.indexOf(HistoryColumns.RISK_SCORE);
        if (metricColumns.isEmpty() && riskScoreAt < 0) {
            throw noDefaultScore(source, header);
        }
        int[] featureAt = new int[columns.features().size()];
        for (int i = 0; i < featureAt.length; i++) {
            featureAt[i] = column(header, columns.features().get(i), "--feature", source);
        }

        boolean[] wanted = new boolean[header.size()];
        wanted[outcomeAt] = true;
        wanted[timeAt] = true;
        for (int at : metricAt) {
            if (at >= 0) {
                wanted[at] = true;
            }
        }
        if (riskScoreAt >= 0) {
            wanted[riskScoreAt] = true;
        }
        for (int at : featureAt) {
            wanted[at] = true;
        }

        Columns data = new Columns(metricAt.length, featureAt.length, riskScoreAt >= 0);
        boolean[] metricSeen = new boolean[metricAt.length];
        int[] metricMissing = new int[metricAt.length];
        String[] row = new String[header.size()];
        int skipped = 0;
        int withoutOutcome = 0;
        int withoutTime = 0;
        long rowNumber = 0;
        while (true) {
            int fields = csv.next(wanted, row);
            if (fields < 0) {
                break;
            }
            if (fields == 1 && header.size() > 1 && row[0] == null) {
                continue; // a blank line
            }
            rowNumber++;
            if (fields < header.size()) {
                throw new RiskGateException("history " + source + " row " + rowNumber + " (line " + csv.recordLine() + ") has "
                        + fields + " fields but the header has " + header.size() + ": fix or remove the row");
            }
            if (missing(row[outcomeAt]) || missing(row[timeAt])) {
                // a row without an outcome or a time cannot be placed or scored: left out, counted, and said in a note
                withoutOutcome += missing(row[outcomeAt]) ? 1 : 0;
                withoutTime += missing(row[outcomeAt]) ? 0 : 1;
                skipped++;
                continue;
            }
            Boolean outcome = outcome(row[outcomeAt], rowNumber, csv.recordLine(), header.get(outcomeAt), source);
            if (outcome == null) {
                skipped++;
                continue;
            }
            int r = data.add();
            data.failed[r] = outcome;
            data.time[r] = time(row[timeAt], rowNumber, csv.recordLine(), header.get(timeAt), source);
            for (int m = 0; m < metricAt.length; m++) {
                boolean present = metricAt[m] >= 0 && !missing(row[metricAt[m]]);
                metricSeen[m] |= present;
                metricMissing[m] += metricAt[m] >= 0 && !present ? 1 : 0;
                data.metrics[m][r] = !present ? Double.NaN : m == FIX
                        ? feature(row[metricAt[m]], rowNumber, csv.recordLine(), header.get(metricAt[m]), source)
                        : number(row[metricAt[m]], rowNumber, csv.recordLine(), header.get(metricAt[m]), source);
            }
            if (riskScoreAt >= 0) {
                data.riskScore[r] = missing(row[riskScoreAt]) ? Double.NaN
                        : number(row[riskScoreAt], rowNumber, csv.recordLine(), header.get(riskScoreAt), source);
            }
            for (int f = 0; f < featureAt.length; f++) {
                data.features[f][r] = feature(row[featureAt[f]], rowNumber, csv.recordLine(), header.get(featureAt[f]), source);
            }
            if (progress != null && rowNumber % PROGRESS_EVERY == 0) {
                progress.accept(rowNumber);
            }
        }
        if (data.size == 0) {
            throw new RiskGateException("history " + source + " has a header but no "
                    + (skipped > 0 ? "deployed changes with an outcome and a time (" + skipped + " rows skipped: never deployed, or the outcome or time empty)" : "rows")
                    + ": expected one row per change");
        }
        // metric columns that are empty in every row (an export of changes that were never measured) are not metrics
        for (int m = 0; m < metricAt.length; m++) {
            if (metricAt[m] >= 0 && !metricSeen[m]) {
                metricColumns.remove(HistoryColumns.METRICS.get(m));
                metricAt[m] = -1;
            }
        }
        List<String> notes = new ArrayList<>();
        if (withoutOutcome > 0) {
            notes.add(withoutOutcome + (withoutOutcome == 1 ? " row has" : " rows have") + " no outcome (column '" + header.get(outcomeAt)
                    + "' empty or NA): skipped");
        }
        if (withoutTime > 0) {
            notes.add(withoutTime + (withoutTime == 1 ? " row has" : " rows have") + " no time (column '" + header.get(timeAt)
                    + "' empty or NA): skipped");
        }
        for (int m = 0; m < metricAt.length; m++) {
            int copied = metricAt[m] < 0 ? -1 : data.sameAsEarlier(metricAt, m);
            if (copied >= 0) {
                String metric = HistoryColumns.METRICS.get(m);
                String original = HistoryColumns.METRICS.get(copied);
                notes.add(metric + " (" + metricColumns.get(metric) + ") holds the same values as " + original + " ("
                        + metricColumns.get(original) + ") in every row (one column written twice?): counted once, as " + original);
                metricColumns.remove(metric);
                metricAt[m] = -1;
            }
        }
        for (int m = HistoryColumns.FIRST_HISTORY_METRIC; m < metricAt.length; m++) {
            if (metricAt[m] < 0 || metricMissing[m] == 0) {
                continue;
            }
            String metric = HistoryColumns.METRICS.get(m);
            String named = metric + (metric.equals(metricColumns.get(metric)) ? "" : " (" + metricColumns.get(metric) + ")");
            if (metricMissing[m] <= MAX_FILLED_SHARE * data.size) {
                notes.add(named + " is empty in " + metricMissing[m] + " of " + data.size + " rows: those rows take its median in"
                        + " the rows a model is fitted on");
            } else {
                notes.add(partlyMissing(named));
                metricColumns.remove(metric);
                metricAt[m] = -1;
            }
        }
        if (metricColumns.isEmpty()) {
            if (riskScoreAt < 0) {
                throw noDefaultScore(source, header);
            }
            int unscored = data.keepScored();
            if (data.size == 0) {
                throw new RiskGateException("history " + source + " has no metric values and no '" + HistoryColumns.RISK_SCORE
                        + "' values: export the records with their risk scores, or map metrics with --map linesAdded=COLUMN");
            }
            skipped += unscored;
        } else {
            data.riskScore = null;
        }
        return data.toHistory(source, metricColumns, metricAt, columns.features(), skipped, notes);
    }

    private static String partlyMissing(String named) {
        return named + " is empty in more than " + Math.round(MAX_FILLED_SHARE * 100) + "% of the rows (changes recorded before the"
                + " history measures): left out of the learned model";
    }

    /**
     * The deployments of a record store that have an outcome and the assessed metrics of their
     * change, as a history: time is the finish time. Records without metrics (changes that were not
     * assessed) are counted in {@link #skipped()}.
     *
     * @param source names the history in messages
     * @throws NoAssessedDeployments when no selected record has metrics (a store that cannot be read throws its own exception)
     */
    public static History fromRecords(ChangeRecordStore store, RecordQuery query, String source) {
        return fromRecords(store, query, source, false);
    }

    /**
     * As {@link #fromRecords(ChangeRecordStore, RecordQuery, String)}; with {@code incidentsAreFailures},
     * a deployment an incident is linked to counts as failed too (the policy's {@code learning.incidentsAreFailures}).
     */
    public static History fromRecords(ChangeRecordStore store, RecordQuery query, String source, boolean incidentsAreFailures) {
        java.util.Set<String> caused = java.util.Set.of();
        if (incidentsAreFailures) {
            try {
                caused = store.incidents().linkedDeployments(query);
            } catch (UnsupportedOperationException e) {
                // a store without incidents: outcomes only
            }
        }
        java.util.Set<String> causedIncident = caused;
        int m = HistoryColumns.METRICS.size();
        Columns data = new Columns(m, 0, false);
        int[] skipped = {0};
        store.forEach(query, r -> {
            ChangeRecord.Metrics x = r.metrics();
            if (x.linesAdded() == null) {
                skipped[0]++;
                return;
            }
            int row = data.add();
            data.time[row] = r.finishedAt().toEpochMilli();
            data.failed[row] = r.outcome().failure() || causedIncident.contains(r.id());
            double[] values = {num(x.linesAdded()), num(x.linesDeleted()), num(x.files()), num(x.directories()), num(x.subsystems()),
                    num(x.entropy()), num(x.commits()), num(x.authors()), num(x.developers()), num(x.age()), num(x.priorChanges()),
                    num(x.authorExperience()), num(x.recentExperience()), num(x.subsystemExperience()),
                    x.fix() == null ? Double.NaN : x.fix() ? 1 : 0};
            for (int i = 0; i < m; i++) {
                data.metrics[i][row] = values[i];
            }
        });
        if (data.size == 0) {
            throw new NoAssessedDeployments("history " + source + " has no deployments with assessed metrics"
                    + (skipped[0] > 0 ? " (" + skipped[0] + " without)" : "") + ": record promotions of assessed changes first");
        }
        Map<String, String> columns = new LinkedHashMap<>();
        int[] metricAt = new int[m];
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            String metric = HistoryColumns.METRICS.get(i);
            boolean missing = false;
            boolean seen = false;
            for (int r = 0; r < data.size && i >= HistoryColumns.FIRST_HISTORY_METRIC; r++) {
                missing |= Double.isNaN(data.metrics[i][r]);
                seen |= !Double.isNaN(data.metrics[i][r]);
            }
            if (missing) {
                metricAt[i] = -1;
                if (i == HistoryColumns.FIRST_HISTORY_METRIC && seen) {
                    notes.add("some deployments were recorded before the history measures: the learned model uses the size and spread only");
                }
            } else {
                columns.put(metric, metric);
                metricAt[i] = i;
            }
        }
        return data.toHistory(source, columns, metricAt, List.of(), skipped[0], notes);
    }

    /** The selected records hold no deployment with the metrics of an assessed change. */
    public static final class NoAssessedDeployments extends RiskGateException {
        private static final long serialVersionUID = 1L;

        NoAssessedDeployments(String message) {
            super(message);
        }
    }

    private static double num(Number v) {
        return v == null ? Double.NaN : v.doubleValue();
    }

    private static RiskGateException noDefaultScore(String source, List<String> header) {
        return new RiskGateException("history " + source + " has no metric columns and no '" + HistoryColumns.RISK_SCORE
                + "' column for the default score: map metrics with --map linesAdded=COLUMN (and linesDeleted, files, ...); its columns are: "
                + columnList(header));
    }

    /** The header's columns for a message, cut to a readable length. */
    private static String columnList(List<String> header) {
        StringBuilder b = new StringBuilder();
        for (String h : header) {
            if (b.length() > 300) {
                return b + ", ... (" + header.size() + " columns)";
            }
            String name = h.length() > 60 ? h.substring(0, 60) + "..." : h;
            b.append(b.length() == 0 ? "" : ", ").append(name.replaceAll("\\p{Cntrl}", "?"));
        }
        return b.toString();
    }

    private static int column(List<String> header, String name, String option, String source) {
        int at = header.indexOf(name);
        if (at < 0) {
            for (int i = 0; i < header.size() && at < 0; i++) {
                at = header.get(i).equalsIgnoreCase(name) ? i : -1;
            }
        }
        if (at < 0) {
            throw new RiskGateException("history " + source + " has no column '" + name + "' (" + option
                    + "): its columns are: " + columnList(header));
        }
        return at;
    }

    private static Boolean outcome(String text, long row, long line, String column, String source) {
        String v = text.trim().toUpperCase(Locale.ROOT);
        switch (v) {
            case "TRUE", "1", "1.0", "YES", "FAILED", "ROLLED_BACK", "FAILURE":
                return true;
            case "FALSE", "0", "0.0", "NO", "SUCCEEDED", "SUCCESS":
                return false;
            default:
                if (NOT_DEPLOYED.contains(v)) {
                    return null;
                }
                throw new RiskGateException("history " + source + " row " + row + " (line " + line + "), column '" + column
                        + "': " + io.riskgate.records.RecordTimes.quote(text) + " is not an outcome: use true/false, 1/0, or FAILED/ROLLED_BACK/SUCCEEDED");
        }
    }

    private static long time(String text, long row, long line, String column, String source) {
        long t = parseTime(text);
        if (t != Long.MIN_VALUE && t >= io.riskgate.records.RecordTimes.EARLIEST.toEpochMilli()
                && t < io.riskgate.records.RecordTimes.LATEST.toEpochMilli()) {
            return t;
        }
        throw new RiskGateException("history " + source + " row " + row + " (line " + line + "), column '" + column
                + "': " + io.riskgate.records.RecordTimes.quote(text) + " is not a time from the years 1900 to 9999: use epoch seconds or"
                + " milliseconds, ISO-8601 (2026-11-24T10:15:00Z, 2026-11-24 10:15:00+00:00) or git's date (Tue Nov 24 10:15:00 2026 +0000)");
    }

    /**
     * A date and time as history files write them: the date (year first; month and day of one or two digits, as
     * spreadsheets write {@code 2003/1/2}), optionally a time of day (seconds and their fraction
     * optional) after a space or a T, optionally a zone: Z, UTC, GMT or an offset (+01:00, +0100, +01), after
     * the time or a space; without one, UTC.
     */
    private static final java.util.regex.Pattern DATE_TIME = java.util.regex.Pattern.compile(
            "(\\d{4})[-/](\\d{1,2})[-/](\\d{1,2})(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(\\.\\d{1,9})?)?)? ?"
                    + "(Z|UTC|GMT|[+-]\\d{2}(?::?\\d{2})?)?", java.util.regex.Pattern.CASE_INSENSITIVE);
    /** git's default date format (git log, Commit Guru's author_date): {@code Wed Mar 1 11:23:15 2017 +0000}. */
    private static final java.time.format.DateTimeFormatter GIT_DATE = new java.time.format.DateTimeFormatterBuilder()
            .parseCaseInsensitive().appendPattern("EEE MMM d HH:mm:ss yyyy Z").toFormatter(Locale.ENGLISH);

    private static final java.util.regex.Pattern RUNS_OF_SPACE = java.util.regex.Pattern.compile("\\s+");

    /** Epoch milliseconds, or Long.MIN_VALUE when the text is not a time. */
    static long parseTime(String text) {
        String v = RUNS_OF_SPACE.matcher(text.trim()).replaceAll(" ");
        try {
            if (!v.isEmpty() && v.indexOf('-', 1) < 0 && v.indexOf(':') < 0 && v.indexOf('/') < 0 && v.indexOf(' ') < 0) {
                double number = Double.parseDouble(v);
                if (Double.isFinite(number)) {
                    // epoch milliseconds pass 10^11 in 1973; epoch seconds reach it in the year 5138
                    return Math.abs(number) >= 1e15 ? Long.MIN_VALUE : Math.abs(number) >= 1e11 ? Math.round(number) : Math.round(number * 1000);
                }
                return Long.MIN_VALUE;
            }
            java.util.regex.Matcher m = DATE_TIME.matcher(v);
            if (m.matches()) {
                LocalDateTime local = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)))
                        .atTime(m.group(4) == null ? 0 : Integer.parseInt(m.group(4)), m.group(5) == null ? 0 : Integer.parseInt(m.group(5)),
                                m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
                                m.group(7) == null ? 0 : Integer.parseInt((m.group(7).substring(1) + "00000000").substring(0, 9)));
                return local.toInstant(offset(m.group(8))).toEpochMilli();
            }
            if (!v.isEmpty() && Character.isLetter(v.charAt(0))) {
                java.time.format.DateTimeFormatter format = v.indexOf(',') > 0 ? java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME : GIT_DATE;
                return OffsetDateTime.parse(v, format).toInstant().toEpochMilli();
            }
        } catch (NumberFormatException | DateTimeException | ArithmeticException e) {
            // not a time
        }
        return Long.MIN_VALUE;
    }

    private static ZoneOffset offset(String zone) {
        if (zone == null || zone.equalsIgnoreCase("Z") || zone.equalsIgnoreCase("UTC") || zone.equalsIgnoreCase("GMT")) {
            return ZoneOffset.UTC;
        }
        String digits = zone.substring(1).replace(":", "");
        int hours = Integer.parseInt(digits.substring(0, 2));
        int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
        return ZoneOffset.ofHoursMinutes(zone.charAt(0) == '-' ? -hours : hours, zone.charAt(0) == '-' ? -minutes : minutes);
    }

    /** Markers of a missing value that data tools write (R and pandas: NA, NaN; JSON and SQL: null; Python: None). */
    private static final Set<String> MISSING = Set.of("", "na", "n/a", "nan", "null", "none");

    /** Whether a metric cell holds no value: empty, or one of {@link #MISSING} (any case). */
    static boolean missing(String cell) {
        String v = cell.strip();
        return v.isEmpty() || v.length() <= 4 && MISSING.contains(v.toLowerCase(Locale.ROOT));   // no marker is longer; numbers seldom are
    }

    /** A feature: a number, or a yes/no column (true/false, yes/no) read as 1/0. */
    private static double feature(String text, long row, long line, String column, String source) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> {
                return 1;
            }
            case "false", "no" -> {
                return 0;
            }
            default -> {
                return number(text, row, line, column, source);
            }
        }
    }

    private static double number(String text, long row, long line, String column, String source) {
        try {
            double v = Double.parseDouble(text.trim());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RiskGateException("history " + source + " row " + row + " (line " + line + "), column '" + column
                + "': " + io.riskgate.records.RecordTimes.quote(text) + " is not a number: fix or remove the row");
    }

    /** Growing primitive columns while the file is read. */
    private static final class Columns {
        int size;
        long[] time = new long[1024];
        boolean[] failed = new boolean[1024];
        double[][] metrics;
        double[][] features;
        double[] riskScore;

        Columns(int metricCount, int featureCount, boolean withRiskScore) {
            metrics = new double[metricCount][1024];
            features = new double[featureCount][1024];
            riskScore = withRiskScore ? new double[1024] : null;
        }

        /** Drops the rows without a risk score; returns how many. */
        int keepScored() {
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (!Double.isNaN(riskScore[i])) {
                    time[kept] = time[i];
                    failed[kept] = failed[i];
                    riskScore[kept] = riskScore[i];
                    for (double[] f : features) {
                        f[kept] = f[i];
                    }
                    for (double[] m : metrics) {
                        m[kept] = m[i];
                    }
                    kept++;
                }
            }
            int dropped = size - kept;
            size = kept;
            return dropped;
        }

        int add() {
            if (size == time.length) {
                int n = size * 2;
                time = Arrays.copyOf(time, n);
                failed = Arrays.copyOf(failed, n);
                for (int i = 0; i < metrics.length; i++) {
                    metrics[i] = Arrays.copyOf(metrics[i], n);
                }
                for (int i = 0; i < features.length; i++) {
                    features[i] = Arrays.copyOf(features[i], n);
                }
                riskScore = riskScore == null ? null : Arrays.copyOf(riskScore, n);
            }
            return size++;
        }

        /**
         * The first metric before {@code m} (among those read, {@code metricAt >= 0}) whose values equal metric
         * {@code m}'s in every row (both missing counts as equal), or -1; never in a history of fewer than
         * {@link #COPY_CHECK_ROWS} rows, where small counts agree by chance. Two columns that agree in every row of a
         * longer history, with at least two distinct values, are most likely one column written twice (a data set's
         * export fault); kept twice, the measure would count twice in the fit and in the explanation, and one of them
         * alone carries all they know.
         */
        int sameAsEarlier(int[] metricAt, int m) {
            if (size < COPY_CHECK_ROWS) {
                return -1;
            }
            double[] v = metrics[m];
            boolean varies = false;
            for (int r = 1; r < size && !varies; r++) {
                varies = Double.compare(v[r], v[0]) != 0;
            }
            if (!varies) {
                return -1;
            }
            for (int e = 0; e < m; e++) {
                if (metricAt[e] < 0) {
                    continue;
                }
                double[] w = metrics[e];
                boolean same = true;
                for (int r = 0; r < size && same; r++) {
                    same = Double.compare(v[r], w[r]) == 0;
                }
                if (same) {
                    return e;
                }
            }
            return -1;
        }

        History toHistory(String source, Map<String, String> metricColumns, int[] metricAt, List<String> featureNames, int skipped,
                          List<String> notes) {
            int[] order = timeOrder();
            long[] t = new long[size];
            boolean[] f = new boolean[size];
            for (int i = 0; i < size; i++) {
                t[i] = time[order[i]];
                f[i] = failed[order[i]];
            }
            double[][] m = new double[metrics.length][];
            for (int i = 0; i < m.length; i++) {
                m[i] = reorder(metrics[i], order);
            }
            double[][] x = new double[features.length][];
            for (int i = 0; i < x.length; i++) {
                x[i] = reorder(features[i], order);
            }
            boolean bits = fillMetrics(m, metricAt);
            Map<String, String> mapped = new LinkedHashMap<>(metricColumns);
            return new History(source, t, f, m, mapped, riskScore == null ? null : reorder(riskScore, order),
                    featureNames, x, skipped, bits, notes);
        }

        private double[] reorder(double[] values, int[] order) {
            double[] out = new double[size];
            for (int i = 0; i < size; i++) {
                out[i] = values[order[i]];
            }
            return out;
        }

        /** Row indexes by time, stable; no boxing when the file is already in time order. */
        private int[] timeOrder() {
            boolean sorted = true;
            for (int i = 1; i < size && sorted; i++) {
                sorted = time[i - 1] <= time[i];
            }
            if (sorted) {
                int[] order = new int[size];
                Arrays.setAll(order, i -> i);
                return order;
            }
            Integer[] boxed = new Integer[size];
            Arrays.setAll(boxed, i -> i);
            Arrays.sort(boxed, (a, b) -> Long.compare(time[a], time[b]));
            return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
        }

        /** Replaces missing metrics by their defaults; returns whether entropy was in bits and normalised. */
        private boolean fillMetrics(double[][] m, int[] metricAt) {
            double[] added = m[0];
            double[] deleted = m[1];
            double[] entropy = m[5];
            boolean bits = false;
            for (int i = 0; i < size && !bits; i++) {
                bits = entropy[i] > 1;
            }
            for (int i = 0; i < size; i++) {
                added[i] = orDefault(added[i], 0);
                deleted[i] = orDefault(deleted[i], 0);
                boolean lines = added[i] + deleted[i] > 0;
                for (int spread = 2; spread <= 4; spread++) {
                    double v = orDefault(m[spread][i], lines ? 1 : 0);
                    m[spread][i] = lines ? Math.max(1, v) : v;
                }
                double files = m[2][i];
                double e = orDefault(entropy[i], 0);
                if (bits) {
                    e = files > 1 ? e / (Math.log(files) / Math.log(2)) : 0;
                }
                entropy[i] = Math.max(0, Math.min(1, e));
                m[6][i] = orDefault(m[6][i], 1);
                m[7][i] = orDefault(m[7][i], 1);
            }
            return bits;
        }

        private static double orDefault(double v, double missing) {
            return Double.isNaN(v) ? missing : v;
        }
    }

    /** Where the history came from, for messages. */
    public String source() {
        return source;
    }

    public int size() {
        return time.length;
    }

    /** The row's time in epoch milliseconds; rows are in time order. */
    public long time(int row) {
        return time[row];
    }

    public boolean failed(int row) {
        return failed[row];
    }

    /** Rows that failed. */
    public int failures() {
        int n = 0;
        for (boolean f : failed) {
            n += f ? 1 : 0;
        }
        return n;
    }

    /** Metric name ({@link HistoryColumns#METRICS}) to the column it was read from, for the mapped ones. */
    public Map<String, String> metricColumns() {
        return metricColumns;
    }

    /** A metric of a row, with the defaults for missing values applied. */
    public double metric(int metric, int row) {
        return metrics[metric][row];
    }

    /** The {@code riskScore} column of the row, when it is the default score (no metric columns), else NaN. */
    public double riskScore(int row) {
        return riskScore == null ? Double.NaN : riskScore[row];
    }

    public boolean hasMetrics() {
        return !metricColumns.isEmpty();
    }

    public List<String> features() {
        return features;
    }

    public double feature(int feature, int row) {
        return featureValues[feature][row];
    }

    /**
     * Rows skipped: without an outcome or a time (empty or NA; a note says how many), in a never-deployed state
     * of the change records (BLOCKED, REJECTED, ABORTED...), and,
     * when the {@code riskScore} column is the default score, rows without a score.
     */
    public int skipped() {
        return skipped;
    }

    /** What the reader should know about the columns (history measures left out). */
    public List<String> notes() {
        return notes;
    }

    /** Whether the entropy column was in bits and was normalised by log2 of the files. */
    public boolean entropyInBits() {
        return entropyInBits;
    }
}
