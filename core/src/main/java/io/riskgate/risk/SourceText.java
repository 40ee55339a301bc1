package io.riskgate.risk;

import java.util.Locale;

/**
 * Reads the added lines of one file as its language does, to tell code from comments and string
 * literals: {@code // featureFlag} or {@code "isFeatureEnabled"} is not a flag check, and
 * {@code /* DROP TABLE t; *}{@code /} is not a statement. The state (an open block comment or a
 * multi-line string) carries from one line to the next while the lines follow each other; a gap
 * (another hunk) starts afresh.
 */
final class SourceText {
    /** How a language writes comments and strings. */
    enum Syntax {
        /** {@code --} and {@code /* *}{@code /} comments; {@code '...'} strings, {@code $tag$...$tag$} bodies. */
        SQL,
        /** {@code //} and {@code /* *}{@code /} comments; {@code "..."}, {@code '...'} and {@code `...`} strings. */
        C_LIKE,
        /** {@code #} comments; {@code "..."} and {@code '...'} strings, Python's triple quotes. */
        HASH,
        /** {@code <!-- -->} comments. */
        XML,
        /** {@code #} and {@code ;} comments at the start of a line (properties, INI, YAML, TOML). */
        CONFIG;

        static Syntax of(String path) {
            String lower = path.toLowerCase(Locale.ROOT);
            String ext = lower.substring(lower.lastIndexOf('.') + 1);
            return switch (ext) {
                case "sql" -> SQL;
                case "py", "rb", "sh", "bash", "zsh", "pl", "pm", "r", "ex", "exs", "cr", "nim", "jl", "tf", "hcl", "rake",
                     "gemspec", "ps1", "coffee" -> HASH;
                case "xml", "html", "htm", "xhtml", "vue", "svelte", "jsp", "erb" -> XML;
                case "yml", "yaml", "properties", "ini", "toml", "cfg", "conf", "env" -> CONFIG;
                default -> C_LIKE;
            };
        }
    }

    private final Syntax syntax;
    private final boolean keepStrings;
    private int lastLine = -1;
    /** The text that ends the open block comment or string, or null. */
    private String openUntil;
    private boolean openIsComment;

    /**
     * @param keepStrings whether string literals stay in the code (migration DSLs keep SQL and keys in
     *        strings) or are blanked to {@code ""}
     */
    SourceText(Syntax syntax, boolean keepStrings) {
        this.syntax = syntax;
        this.keepStrings = keepStrings;
    }

    /** The code of one added line: comments removed, string contents blanked unless kept. */
    String code(int lineNumber, String line) {
        if (lastLine >= 0 && lineNumber != lastLine + 1) {
            openUntil = null;
        }
        lastLine = lineNumber;
        if (openUntil == null && syntax == Syntax.C_LIKE && line.stripLeading().startsWith("*")) {
            return "";   // the middle of a block comment whose start is not in this part of the diff
        }
        if (openUntil == null && !opensAnything(line)) {
            return line;   // no comment or string can start on this line: it is all code (most lines)
        }
        StringBuilder out = new StringBuilder(line.length());
        int i = 0;
        int n = line.length();
        while (i < n) {
            if (openUntil != null) {
                int end = indexOfClose(line, i, openUntil, !openIsComment && syntax != Syntax.SQL);
                if (end < 0) {
                    if (!openIsComment && keepStrings) {
                        out.append(line, i, n);
                    }
                    return out.toString();
                }
                if (!openIsComment && keepStrings) {
                    out.append(line, i, end);
                }
                if (!openIsComment) {
                    out.append(openUntil);
                }
                i = end + openUntil.length();
                openUntil = null;
                continue;
            }
            char c = line.charAt(i);
            String opened = opener(line, i);
            if (opened == null) {
                if (lineComment(line, i)) {
                    return out.toString();
                }
                out.append(c);
                i++;
                continue;
            }
            boolean comment = opened.startsWith("/*") || opened.startsWith("<!--");
            openIsComment = comment;
            openUntil = closer(opened);
            if (!comment) {
                out.append(opened);
            }
            i += opened.length();
        }
        if (openUntil != null && !openIsComment && isSingleLineQuote(openUntil)) {
            openUntil = null;   // an unclosed one-line string ends with its line
        }
        return out.toString();
    }

    /** Whether the line holds a character that can start a comment or a string in this syntax. */
    private boolean opensAnything(String line) {
        String starts = switch (syntax) {
            case SQL -> "-/'$";
            case C_LIKE -> "/\"'`";
            case HASH -> "#\"'";
            case XML -> "<";
            case CONFIG -> "#;";
        };
        for (int i = 0; i < line.length(); i++) {
            if (starts.indexOf(line.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    private boolean isSingleLineQuote(String close) {
        return syntax != Syntax.SQL && close.length() == 1 && !close.equals("`");
    }

    private String opener(String line, int i) {
        switch (syntax) {
            case SQL -> {
                if (line.startsWith("/*", i)) {
                    return "/*";
                }
                if (line.charAt(i) == '\'') {
                    return "'";
                }
                if (line.charAt(i) == '$') {
                    int end = line.indexOf('$', i + 1);
                    if (end > i && line.substring(i + 1, end).chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
                        return line.substring(i, end + 1);
                    }
                }
                return null;
            }
            case C_LIKE -> {
                if (line.startsWith("/*", i)) {
                    return "/*";
                }
                char c = line.charAt(i);
                return c == '"' || c == '\'' || c == '`' ? String.valueOf(c) : null;
            }
            case HASH -> {
                if (line.startsWith("\"\"\"", i) || line.startsWith("'''", i)) {
                    return line.substring(i, i + 3);
                }
                char c = line.charAt(i);
                return c == '"' || c == '\'' ? String.valueOf(c) : null;
            }
            case XML -> {
                return line.startsWith("<!--", i) ? "<!--" : null;
            }
            default -> {
                return null;
            }
        }
    }

    private static String closer(String opened) {
        return switch (opened) {
            case "/*" -> "*/";
            case "<!--" -> "-->";
            default -> opened;   // quotes and $tag$ close with themselves
        };
    }

    private boolean lineComment(String line, int i) {
        return switch (syntax) {
            case SQL -> line.startsWith("--", i);
            case C_LIKE -> line.startsWith("//", i);
            case HASH -> line.charAt(i) == '#';
            case CONFIG -> line.substring(0, i).isBlank() && (line.charAt(i) == '#' || line.charAt(i) == ';');
            case XML -> false;
        };
    }

    /** Where {@code close} next stands from {@code from}, skipping backslash escapes in strings. */
    private static int indexOfClose(String line, int from, String close, boolean escapes) {
        if (!escapes) {
            return line.indexOf(close, from);
        }
        for (int i = from; i < line.length(); i++) {
            if (line.charAt(i) == '\\') {
                i++;
            } else if (line.startsWith(close, i)) {
                return i;
            }
        }
        return -1;
    }
}
