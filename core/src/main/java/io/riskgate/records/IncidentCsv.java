package io.riskgate.records;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.riskgate.RiskGateException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Incidents as CSV, for import and export: a header row, then one incident a row, columns read by
 * name ({@value #HEADER}); times as in change records; empty cells for unknown values. A row with a
 * {@code resolvedAt} resolves (or records resolved) the incident. Files exported here are formula-safe
 * like change records (a leading apostrophe, removed on import). At most {@value #MAX_ROWS} rows.
 */
public final class IncidentCsv {
    public static final String HEADER = "id,title,severity,pipeline,environment,startedAt,resolvedAt,deployment,commit,link";
    public static final List<String> COLUMNS = List.of(HEADER.split(","));
    public static final int MAX_ROWS = 100_000;
    private static final List<String> REQUIRED = List.of("id", "startedAt");

    private IncidentCsv() {
    }

    /**
     * Reads the reports of a file and hands them over one at a time; errors name {@code source}, the row
     * (the header is row 1) and the column. A file names each incident once.
     */
    public static void read(Reader in, String source, Consumer<IncidentReport> consumer) {
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.TRIM_SPACES);
        mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
        int row = 1;
        Map<String, Integer> seen = new HashMap<>();
        try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader())
                .readValues(withoutByteOrderMark(in))) {
            boolean headerChecked = false;
            while (it.hasNextValue()) {
                Map<String, String> values = new LinkedHashMap<>(it.nextValue());
                row++;
                if (row - 1 > MAX_ROWS) {
                    throw new RiskGateException(source + ": more than " + MAX_ROWS + " incidents: split the file");
                }
                if (!headerChecked) {
                    List<String> missing = REQUIRED.stream().filter(c -> !values.containsKey(c)).toList();
                    if (!missing.isEmpty()) {
                        throw new RiskGateException(source + ": missing column" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                                + " (the header names columns of " + HEADER + ")");
                    }
                    headerChecked = true;
                }
                IncidentReport r = parse(values, source, row);
                Integer first = seen.putIfAbsent(r.id(), row);
                if (first != null) {
                    throw new RiskGateException(source + " rows " + first + " and " + row + " are both incident " + RecordTimes.quote(r.id())
                            + ": a file holds each incident once (with its resolvedAt if it is resolved); remove one of the rows");
                }
                consumer.accept(r);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof RiskGateException r) {
                throw r;
            }
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new RiskGateException(source + ": not readable as CSV near row " + (row + 1) + " (" + (m.length() > 200 ? m.substring(0, 200) + "..." : m)
                    + "): save it as CSV (comma-separated, UTF-8)");
        }
    }

    private static IncidentReport parse(Map<String, String> v, String source, int row) {
        try {
            String id = text(v, "id");
            if (id == null) {
                throw new RiskGateException("the id is empty");
            }
            Instant started = time(v, "startedAt");
            if (started == null) {
                throw new RiskGateException("startedAt is empty");
            }
            IncidentReport r = new IncidentReport(id, "csv", text(v, "title"), text(v, "severity"), text(v, "pipeline"), text(v, "environment"),
                    started, time(v, "resolvedAt"), text(v, "deployment"), text(v, "commit"));
            if (r.deploymentId() == null && (r.pipeline() == null || r.environment() == null)) {
                throw new RiskGateException("an incident needs its pipeline and environment, or the deployment it is linked to");
            }
            // the limits of the store, checked before anything is written
            new Incident(r.id(), r.source(), r.title() == null ? r.id() : r.title(), r.severity(),
                    r.pipeline() == null ? "?" : r.pipeline(), r.environment() == null ? "?" : r.environment(), r.startedAt(), r.resolvedAt(),
                    null, Incident.Link.NONE);
            return r;
        } catch (RiskGateException e) {
            throw new RiskGateException(source + " row " + row + ": " + e.getMessage());
        }
    }

    private static String text(Map<String, String> v, String column) {
        String s = v.get(column);
        return s == null || s.isBlank() ? null : s.startsWith("'") ? s.substring(1) : s;
    }

    private static Instant time(Map<String, String> v, String column) {
        String s = text(v, column);
        if (s == null) {
            return null;
        }
        Instant t = RecordTimes.parseOrNull(s);
        if (t == null) {
            throw new RiskGateException("column " + column + ": " + RecordTimes.quote(s) + " is not a time from the years 1900 to 9999: use "
                    + RecordTimes.FORMATS);
        }
        return t;
    }

    private static Reader withoutByteOrderMark(Reader in) throws IOException {
        java.io.PushbackReader r = new java.io.PushbackReader(in instanceof java.io.BufferedReader ? in : new java.io.BufferedReader(in), 1);
        int c = r.read();
        if (c != -1 && c != '\uFEFF') {
            r.unread(c);
        }
        return r;
    }

    /** Writes incidents as CSV rows, header first, every text cell formula-safe. */
    public static void write(Iterable<Incident> incidents, java.io.Writer target) {
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS);
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        COLUMNS.forEach(schema::addColumn);
        try (var out = mapper.writer(schema.build()).writeValues(target)) {
            for (Incident i : incidents) {
                List<String> row = new ArrayList<>();
                for (Object value : new Object[] {i.id(), i.title(), i.severity(), i.pipeline(), i.environment(), i.startedAt(), i.resolvedAt(),
                        i.deploymentId(), null, i.link().name()}) {
                    row.add(value == null ? "" : value instanceof String s ? ChangeRecordCsv.safe(s) : value.toString());
                }
                out.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
