package io.riskgate.records;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import io.riskgate.RiskGateException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one CSV layout of change records, for export and import: a header row, then one record a
 * row; times ISO-8601 UTC; empty cells for unknown values. The first columns are
 * {@code id,pipeline,environment,commit,commitTime,startedAt,finishedAt,outcome,riskScore,riskLevel}; the
 * history measures come after {@code approvals}, then the ids of the incidents linked to the record (written
 * by exports, not read by imports). Importing reads columns by header name, so extra
 * columns are ignored and later columns optional (files exported before the history measures import as they are).
 */
public final class ChangeRecordCsv {
    public static final List<String> COLUMNS = List.of("id", "pipeline", "environment", "commit", "commitTime", "startedAt",
            "finishedAt", "outcome", "riskScore", "riskLevel", "riskModel", "startedBy", "buildUrl", "runbookUrl", "pirUrl",
            "rollbackCommand", "rollbackExercisedAt", "testsTotal", "testsFailed", "linesAdded", "linesDeleted", "files",
            "directories", "subsystems", "entropy", "commits", "authors", "approvals", "developers", "age", "priorChanges",
            "authorExperience", "recentExperience", "subsystemExperience", "fix", "incidents", "verificationOutcome", "verificationSeconds");
    private static final List<String> REQUIRED = List.of("pipeline", "environment", "commit", "startedAt", "finishedAt", "outcome");

    private ChangeRecordCsv() {
    }

    /** A writer of records as CSV rows, header first. */
    public static final class Writer implements AutoCloseable {
        private final com.fasterxml.jackson.databind.SequenceWriter out;

        public Writer(java.io.Writer target) {
            CsvMapper mapper = new CsvMapper();
            mapper.enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS);
            CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
            COLUMNS.forEach(schema::addColumn);
            try {
                this.out = mapper.writer(schema.build()).writeValues(target);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void write(ChangeRecord r) {
            write(r, List.of());
        }

        /** The record with the ids of the incidents linked to it (the last column, space-separated; import ignores it). */
        public void write(ChangeRecord r, List<String> incidents) {
            List<Object> row = new ArrayList<>(COLUMNS.size());
            ChangeRecord.Metrics m = r.metrics();
            row.add(r.id());
            row.add(r.pipeline());
            row.add(r.environment());
            row.add(r.commit());
            row.add(time(r.commitTime()));
            row.add(time(r.startedAt()));
            row.add(time(r.finishedAt()));
            row.add(r.outcome().name());
            row.add(r.riskScore());
            row.add(r.riskLevel());
            row.add(r.riskModel());
            row.add(r.startedBy());
            row.add(r.buildUrl());
            row.add(r.runbookUrl());
            row.add(r.pirUrl());
            row.add(r.rollbackCommand());
            row.add(time(r.rollbackExercisedAt()));
            row.add(r.testsTotal());
            row.add(r.testsFailed());
            row.add(m.linesAdded());
            row.add(m.linesDeleted());
            row.add(m.files());
            row.add(m.directories());
            row.add(m.subsystems());
            row.add(m.entropy());
            row.add(m.commits());
            row.add(m.authors());
            row.add(r.approvals());
            row.add(m.developers());
            row.add(m.age());
            row.add(m.priorChanges());
            row.add(m.authorExperience());
            row.add(m.recentExperience());
            row.add(m.subsystemExperience());
            row.add(m.fix());
            row.add(incidents.isEmpty() ? null : String.join(" ", incidents));
            row.add(r.verification().outcome());
            row.add(r.verification().seconds());
            try {
                out.write(row.stream().map(v -> v == null ? "" : v instanceof String text ? safe(text) : v.toString()).toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A text cell that a spreadsheet shows as text, never runs as a formula: a cell starting with
     * {@code = + - @}, TAB or CR gets a leading apostrophe, and so does one that starts with an
     * apostrophe; importing removes one leading apostrophe, so every value round-trips exactly.
     */
    static String safe(String text) {
        if (text.isEmpty()) {
            return text;
        }
        char c = text.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\'' ? "'" + text : text;
    }

    private static String unsafe(String cell) {
        return cell.startsWith("'") ? cell.substring(1) : cell;
    }

    public static void write(Iterable<ChangeRecord> records, java.io.Writer target) {
        try (Writer w = new Writer(target)) {
            records.forEach(w::write);
        }
    }

    /**
     * Reads records from CSV and hands them over one at a time; {@code source} names the input in
     * errors, which give the row number (the header is row 1) and the column.
     */
    public static void read(Reader in, String source, Consumer<ChangeRecord> consumer) {
        read(in, source, consumer, true);
    }

    /**
     * As {@link #read(Reader, String, Consumer)}; {@code checked} false takes records as they were
     * written by this product (the spool of records the store could not take yet), without refusing
     * implausible values or repeated ids, so that no spooled record is held back.
     */
    public static void read(Reader in, String source, Consumer<ChangeRecord> consumer, boolean checked) {
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.TRIM_SPACES);
        mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        int row = 1;
        IdRows ids = new IdRows();
        try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class).with(schema).readValues(withoutByteOrderMark(in))) {
            boolean headerChecked = false;
            while (it.hasNextValue()) {
                Map<String, String> values = new LinkedHashMap<>(it.nextValue());
                row++;
                if (!headerChecked) {
                    checkHeader(values.keySet(), source);
                    headerChecked = true;
                }
                ChangeRecord record = parse(values, source, row, checked);
                int first = checked ? ids.put(record.id(), row) : 0;
                if (first > 0) {
                    throw new RiskGateException(source + " rows " + first + " and " + row + " are both record " + RecordTimes.quote(record.id())
                            + (values.get("id") == null || values.get("id").isBlank() ? " (the id derived from pipeline, environment, commit and startedAt)" : "")
                            + ": a file holds each record once; remove one of the rows");
                }
                consumer.accept(record);
            }
            if (!headerChecked) {
                // no rows: the header alone says whether this is a file of records (an export of an empty store is)
                java.util.Set<String> header = new java.util.LinkedHashSet<>();
                if (it.getParserSchema() instanceof CsvSchema read) {
                    read.forEach(column -> header.add(column.getName()));
                }
                if (header.isEmpty()) {
                    throw empty(source);
                }
                checkHeader(header, source);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof RiskGateException r) {
                throw r;
            }
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            if (row == 1 && m.startsWith("Empty header line")) {
                throw empty(source);
            }
            throw new RiskGateException(source + ": not readable as CSV near row " + (row + 1) + " (" + (m.length() > 200 ? m.substring(0, 200) + "..." : m)
                    + "): export it again as CSV (comma-separated, UTF-8)");
        }
    }

    private static RiskGateException empty(String source) {
        return new RiskGateException(source + " is empty: a file of records starts with a header row naming at least " + String.join(",", REQUIRED));
    }

    private static void checkHeader(java.util.Set<String> columns, String source) {
        List<String> missing = REQUIRED.stream().filter(c -> !columns.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new RiskGateException(source + ": missing column" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + " (the header must name at least " + String.join(",", REQUIRED) + ")");
        }
    }

    /** A reader without the byte order mark that spreadsheets write at the start of "CSV UTF-8" files. */
    private static Reader withoutByteOrderMark(Reader in) throws IOException {
        java.io.PushbackReader r = new java.io.PushbackReader(in instanceof java.io.BufferedReader ? in : new java.io.BufferedReader(in), 1);
        int c = r.read();
        if (c != -1 && c != '\uFEFF') {
            r.unread(c);
        }
        return r;
    }

    /**
     * The row of every id read so far, in 12 bytes per record (a 64-bit hash of the id and the row),
     * so that a file of millions of rows is checked for repeated ids without holding the ids.
     */
    private static final class IdRows {
        private long[] hashes = new long[1 << 12];
        private int[] rows = new int[1 << 12];
        private int size;

        /** Records the id's row; returns the row that had it before, or 0. */
        int put(String id, int row) {
            if (size * 2 >= hashes.length) {
                grow();
            }
            long h = hash(id);
            int mask = hashes.length - 1;
            for (int i = (int) (h ^ (h >>> 32)) & mask; ; i = (i + 1) & mask) {
                if (rows[i] == 0) {
                    hashes[i] = h;
                    rows[i] = row;
                    size++;
                    return 0;
                }
                if (hashes[i] == h) {
                    return rows[i];
                }
            }
        }

        private void grow() {
            long[] oldHashes = hashes;
            int[] oldRows = rows;
            hashes = new long[oldHashes.length * 2];
            rows = new int[oldRows.length * 2];
            int mask = hashes.length - 1;
            for (int j = 0; j < oldHashes.length; j++) {
                if (oldRows[j] != 0) {
                    long h = oldHashes[j];
                    int i = (int) (h ^ (h >>> 32)) & mask;
                    while (rows[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    hashes[i] = h;
                    rows[i] = oldRows[j];
                }
            }
        }

        private static long hash(String s) {
            long h = 0xcbf29ce484222325L;   // FNV-1a over the chars, then mixed
            for (int i = 0; i < s.length(); i++) {
                h = (h ^ s.charAt(i)) * 0x100000001b3L;
            }
            h ^= (long) s.hashCode() << 32 | s.length();
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            return h;
        }
    }

    private static Long seconds(Integer value) {
        return value == null ? null : Long.valueOf(value);
    }

    private static ChangeRecord parse(Map<String, String> v, String source, int row, boolean checked) {
        Cell c = new Cell(v, source, row);
        try {
            ChangeRecord r = new ChangeRecord(c.text("id"), c.text("pipeline"), c.text("environment"), c.text("commit"), c.time("commitTime"),
                    c.time("startedAt"), c.time("finishedAt"), c.outcome(), c.integer("riskScore"), upper(c.text("riskLevel")),
                    c.text("riskModel"), c.text("startedBy"), c.text("buildUrl"), c.text("runbookUrl"), c.text("pirUrl"),
                    c.text("rollbackCommand"), c.time("rollbackExercisedAt"), c.integer("testsTotal"), c.integer("testsFailed"),
                    c.text("approvals"), new ChangeRecord.Metrics(c.integer("linesAdded"), c.integer("linesDeleted"), c.integer("files"),
                    c.integer("directories"), c.integer("subsystems"), c.decimal("entropy"), c.integer("commits"), c.integer("authors"),
                    c.integer("developers"), c.decimal("age"), c.integer("priorChanges"), c.decimal("authorExperience"),
                    c.decimal("recentExperience"), c.decimal("subsystemExperience"), c.bool("fix")),
                    new ChangeRecord.Verification(upper(c.text("verificationOutcome")), seconds(c.integer("verificationSeconds"))));
            if (checked) {
                r.checkPlausible();
                StoreLimits.check(r);
            }
            return r;
        } catch (RiskGateException e) {
            if (e.getMessage().startsWith(source)) {
                throw e;
            }
            throw new RiskGateException(source + " row " + row + ": " + e.getMessage());
        }
    }

    private static String upper(String s) {
        return s == null ? null : s.toUpperCase(Locale.ROOT);
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    /** Typed access to one row's cells with errors naming row and column. */
    private record Cell(Map<String, String> values, String source, int row) {
        String text(String column) {
            String s = values.get(column);
            return s == null || s.isBlank() ? null : unsafe(s);
        }

        Instant time(String column) {
            String s = text(column);
            if (s == null) {
                return null;
            }
            Instant t = RecordTimes.parseOrNull(s);
            if (t == null) {
                throw new RiskGateException(source + " row " + row + ", column " + column + ": " + RecordTimes.quote(s)
                        + " is not a time from the years 1900 to 9999: use " + RecordTimes.FORMATS);
            }
            return t;
        }

        Integer integer(String column) {
            String s = text(column);
            if (s == null) {
                return null;
            }
            try {
                return Integer.valueOf(s);
            } catch (NumberFormatException e) {
                throw new RiskGateException(source + " row " + row + ", column " + column + ": " + RecordTimes.quote(s) + " is not a whole number");
            }
        }

        Double decimal(String column) {
            String s = text(column);
            if (s == null) {
                return null;
            }
            try {
                return Double.valueOf(s);
            } catch (NumberFormatException e) {
                throw new RiskGateException(source + " row " + row + ", column " + column + ": " + RecordTimes.quote(s) + " is not a number");
            }
        }

        Boolean bool(String column) {
            String s = text(column);
            if (s == null) {
                return null;
            }
            switch (s.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> {
                    return true;
                }
                case "false", "0", "no" -> {
                    return false;
                }
                default -> throw new RiskGateException(source + " row " + row + ", column " + column + ": '" + s + "' is not true or false");
            }
        }

        Outcome outcome() {
            String s = text("outcome");
            try {
                return Outcome.valueOf(s == null ? "" : s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new RiskGateException(source + " row " + row + ", column outcome: " + (s == null ? "empty" : RecordTimes.quote(s))
                        + " is not SUCCEEDED, FAILED or ROLLED_BACK");
            }
        }
    }
}
