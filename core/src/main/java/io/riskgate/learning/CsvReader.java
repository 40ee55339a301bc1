package io.riskgate.learning;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming reader of comma-separated values (RFC 4180): fields may be quoted, a quote inside a
 * quoted field is doubled, quoted fields may span lines, records end with LF or CRLF. Only the
 * fields asked for are turned into strings, so wide files with a few needed columns stay cheap.
 * Holds one record at a time.
 */
final class CsvReader {
    private static final int BUFFER = 1 << 16;

    private final Reader in;
    private final char[] buf = new char[BUFFER];
    private int pos;
    private int limit;
    private long line = 1;
    private long recordLine;
    private final StringBuilder field = new StringBuilder();

    CsvReader(Reader in) {
        this.in = in;
    }

    /** The line of the file where the last record read starts (1 = the first line). */
    long recordLine() {
        return recordLine;
    }

    /** Reads the next record with every field, or null at the end of the input. */
    List<String> nextAll() throws IOException {
        List<String> fields = new ArrayList<>();
        return read(null, fields) ? fields : null;
    }

    /**
     * Reads the next record, putting field {@code i} into {@code into[i]} when {@code wanted[i]} and
     * ignoring the others. Fields beyond the array are ignored; missing ones are left null.
     *
     * @return the number of fields of the record, or -1 at the end of the input
     */
    int next(boolean[] wanted, String[] into) throws IOException {
        java.util.Arrays.fill(into, null);
        int[] count = {0};
        boolean read = read(wanted, null, into, count);
        return read ? count[0] : -1;
    }

    private boolean read(boolean[] wanted, List<String> all) throws IOException {
        return read(wanted, all, null, new int[1]);
    }

    private boolean read(boolean[] wanted, List<String> all, String[] into, int[] count) throws IOException {
        if (!fill()) {
            return false;
        }
        recordLine = line;
        int index = 0;
        while (true) {
            boolean keep = all != null || (index < wanted.length && wanted[index]);
            field.setLength(0);
            int end = readField(keep);
            if (keep) {
                if (all != null) {
                    all.add(field.toString());
                } else {
                    into[index] = field.toString();
                }
            }
            index++;
            if (end != ',') {
                count[0] = index;
                return true;
            }
        }
    }

    /** Reads one field; returns the character that ended it: ',', '\n', or -1 at the end of input. */
    private int readField(boolean keep) throws IOException {
        if (!fill()) {
            return -1;
        }
        if (buf[pos] == '"') {
            pos++;
            while (true) {
                if (!fill()) {
                    return -1;
                }
                char c = buf[pos++];
                if (c == '"') {
                    if (fill() && buf[pos] == '"') {
                        pos++;
                        if (keep) {
                            field.append('"');
                        }
                        continue;
                    }
                    break;
                }
                if (c == '\n') {
                    line++;
                }
                if (keep) {
                    field.append(c);
                }
            }
        }
        while (true) {
            if (!fill()) {
                return -1;
            }
            int start = pos;
            while (pos < limit) {
                char c = buf[pos];
                if (c == ',' || c == '\n') {
                    if (keep) {
                        field.append(buf, start, pos - start);
                        trimCarriageReturn(c);
                    }
                    pos++;
                    if (c == '\n') {
                        line++;
                    }
                    return c;
                }
                pos++;
            }
            if (keep) {
                field.append(buf, start, pos - start);
            }
        }
    }

    private void trimCarriageReturn(char end) {
        int n = field.length();
        if (end == '\n' && n > 0 && field.charAt(n - 1) == '\r') {
            field.setLength(n - 1);
        }
    }

    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        limit = in.read(buf, 0, BUFFER);
        pos = 0;
        if (limit <= 0) {
            limit = 0;
            return false;
        }
        return true;
    }
}
