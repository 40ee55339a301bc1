package io.riskgate.git;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Parses the output of {@code git diff -U0 -M} (unified diff without context) as a stream and
 * reports files and changed lines to a {@link DiffListener}. Memory use does not depend on the size
 * of the diff: only the current line is held. Hunk line counts are honoured, so a deleted line whose
 * text looks like a header ({@code "-- a/x"}) is still a deleted line.
 */
public final class UnifiedDiffParser {
    private static final String DIFF_HEADER = "diff --git ";

    private final DiffListener listener;
    private final boolean deletedLines;

    // header state of the file being read
    private String headerOld;
    private String headerNew;
    private String minusPath;
    private String plusPath;
    private String renameFrom;
    private String renameTo;
    private FileStatus status;
    private boolean binary;
    private int similarity;
    private boolean inHeader;

    // the file whose lines are being read
    private FileDiff current;
    private int remainingOld;
    private int remainingNew;
    private int oldLine;
    private int newLine;

    public UnifiedDiffParser(DiffListener listener) {
        this.listener = listener;
        this.deletedLines = listener.wantsDeletedLines();
    }

    public void parse(BufferedReader reader) throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (remainingOld > 0 || remainingNew > 0) {
                hunkLine(line);
            } else if (line.startsWith(DIFF_HEADER)) {
                finishFile();
                beginHeader(line.substring(DIFF_HEADER.length()));
            } else if (line.startsWith("@@ ")) {
                startFileIfHeader();
                beginHunk(line);
            } else if (inHeader) {
                headerLine(line);
            }
            // anything else between hunks ("\ No newline at end of file") carries no change
        }
        finishFile();
    }

    private void beginHeader(String paths) {
        inHeader = true;
        headerOld = null;
        headerNew = null;
        minusPath = null;
        plusPath = null;
        renameFrom = null;
        renameTo = null;
        status = FileStatus.MODIFIED;
        binary = false;
        similarity = 0;
        splitHeaderPaths(paths);
    }

    private void headerLine(String line) {
        if (line.startsWith("new file mode")) {
            status = FileStatus.ADDED;
        } else if (line.startsWith("deleted file mode")) {
            status = FileStatus.DELETED;
        } else if (line.startsWith("rename from ")) {
            status = FileStatus.RENAMED;
            renameFrom = unquote(line.substring("rename from ".length()));
        } else if (line.startsWith("rename to ")) {
            renameTo = unquote(line.substring("rename to ".length()));
        } else if (line.startsWith("copy from ")) {
            status = FileStatus.COPIED;
            renameFrom = unquote(line.substring("copy from ".length()));
        } else if (line.startsWith("copy to ")) {
            renameTo = unquote(line.substring("copy to ".length()));
        } else if (line.startsWith("similarity index ")) {
            similarity = parsePercent(line.substring("similarity index ".length()));
        } else if (line.startsWith("Binary files ") || line.equals("GIT binary patch")) {
            binary = true;
        } else if (line.startsWith("--- ")) {
            minusPath = stripPrefix(unquote(stripTrailingTab(line.substring(4))), "a/");
        } else if (line.startsWith("+++ ")) {
            plusPath = stripPrefix(unquote(stripTrailingTab(line.substring(4))), "b/");
        }
    }

    private void startFileIfHeader() {
        if (!inHeader) {
            return;
        }
        inHeader = false;
        String newPath = firstNonNull(renameTo, devNullToNull(plusPath), headerNew);
        String oldPath = firstNonNull(renameFrom, devNullToNull(minusPath), headerOld);
        if (status == FileStatus.DELETED || newPath == null) {
            newPath = oldPath;
        }
        if (oldPath == null) {
            oldPath = newPath;
        }
        if (newPath == null) {
            throw new IllegalStateException("cannot determine the file name of a diff entry");
        }
        current = new FileDiff(newPath, oldPath, status, binary, similarity);
        listener.fileStarted(current);
    }

    private void finishFile() {
        startFileIfHeader();
        if (current != null) {
            listener.fileFinished(current);
            current = null;
        }
        remainingOld = 0;
        remainingNew = 0;
    }

    private void beginHunk(String line) {
        // @@ -oldStart[,oldCount] +newStart[,newCount] @@ section
        int minus = line.indexOf('-', 3);
        int plus = line.indexOf(" +", minus);
        int end = line.indexOf(" @@", plus);
        if (minus < 0 || plus < 0 || end < 0) {
            throw new IllegalStateException("malformed hunk header: " + line);
        }
        long[] old = range(line.substring(minus + 1, plus));
        long[] neu = range(line.substring(plus + 2, end));
        oldLine = (int) old[0];
        remainingOld = (int) old[1];
        newLine = (int) neu[0];
        remainingNew = (int) neu[1];
    }

    private void hunkLine(String line) {
        if (line.isEmpty()) {
            // an empty context line from a diff made with context; counts for both sides
            consumeContext();
            return;
        }
        char kind = line.charAt(0);
        switch (kind) {
            case '+' -> {
                current.linesAdded++;
                remainingNew--;
                listener.addedLine(current, newLine++, line.substring(1));
            }
            case '-' -> {
                current.linesDeleted++;
                remainingOld--;
                if (deletedLines) {
                    listener.deletedLine(current, oldLine, line.substring(1));
                }
                oldLine++;
            }
            case ' ' -> consumeContext();
            default -> {
                // "\ No newline at end of file": not a line of content
            }
        }
    }

    private void consumeContext() {
        remainingOld--;
        remainingNew--;
        oldLine++;
        newLine++;
    }

    private static long[] range(String spec) {
        int comma = spec.indexOf(',');
        if (comma < 0) {
            return new long[] {Long.parseLong(spec), 1};
        }
        return new long[] {Long.parseLong(spec.substring(0, comma)), Long.parseLong(spec.substring(comma + 1))};
    }

    /** Splits {@code a/P b/Q} of the {@code diff --git} line, which is unambiguous when P equals Q or paths are quoted. */
    private void splitHeaderPaths(String paths) {
        if (paths.startsWith("\"")) {
            int end = closingQuote(paths, 1);
            headerOld = stripPrefix(unquote(paths.substring(0, end + 1)), "a/");
            String rest = paths.substring(Math.min(paths.length(), end + 2));
            headerNew = stripPrefix(unquote(rest), "b/");
            return;
        }
        if (paths.endsWith("\"")) {
            int start = paths.lastIndexOf(" \"");
            if (start > 0) {
                headerOld = stripPrefix(paths.substring(0, start), "a/");
                headerNew = stripPrefix(unquote(paths.substring(start + 1)), "b/");
                return;
            }
        }
        int length = paths.length();
        if ((length - 5) % 2 == 0 && length > 5) {
            int half = (length - 5) / 2;
            String first = paths.substring(2, 2 + half);
            if (paths.startsWith("a/") && paths.startsWith(" b/", 2 + half) && paths.endsWith(first)) {
                headerOld = first;
                headerNew = first;
            }
        }
        // otherwise a rename: "rename from/to" lines give the paths
    }

    private static int closingQuote(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return s.length() - 1;
    }

    private static String stripTrailingTab(String s) {
        int tab = s.indexOf('\t');
        return tab >= 0 && !s.startsWith("\"") ? s.substring(0, tab) : s.strip();
    }

    private static String stripPrefix(String s, String prefix) {
        return s != null && s.startsWith(prefix) ? s.substring(prefix.length()) : s;
    }

    private static String devNullToNull(String path) {
        return path == null || path.equals("/dev/null") ? null : path;
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static int parsePercent(String s) {
        try {
            return Integer.parseInt(s.replace("%", "").strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Undoes git's C-style quoting of a path ({@code "a/t\303\251st\tx"}); unquoted input is returned as is. */
    static String unquote(String s) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> bytes.write('\n');
                case 't' -> bytes.write('\t');
                case 'r' -> bytes.write('\r');
                case 'a' -> bytes.write(7);
                case 'b' -> bytes.write('\b');
                case 'f' -> bytes.write('\f');
                case 'v' -> bytes.write(11);
                default -> {
                    if (e >= '0' && e <= '7' && i + 2 < s.length()) {
                        bytes.write(Integer.parseInt(s.substring(i, i + 3), 8));
                        i += 2;
                    } else {
                        bytes.write(e);
                    }
                }
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
