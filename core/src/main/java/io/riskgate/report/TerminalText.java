package io.riskgate.report;

/**
 * Text from outside (file names, evidence lines, refs, pipeline and environment names) made safe to
 * print on a terminal or in a CI log: control characters, terminal escape sequences, line breaks and
 * the Unicode controls that reorder or hide text are shown as visible escapes ({@code \e}, {@code \n},
 * {@code \u202e}), so that such a name can neither move the cursor, recolour or erase lines, nor pose as
 * a line of its own.
 */
public final class TerminalText {
    private TerminalText() {
    }

    /** {@code text} with every character that could act on the reader's terminal written as an escape. */
    public static String safe(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        while (i < text.length() && !acts(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!acts(c)) {
                out.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x1b -> out.append("\\e");
                default -> out.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    /** {@link #safe(String)}, cut to {@code max} characters with the number of characters left out. */
    public static String safe(String text, int max) {
        if (text == null || text.length() <= max) {
            return safe(text);
        }
        return safe(text.substring(0, max)) + "... (" + (text.length() - max) + " more characters)";
    }

    /**
     * C0 and C1 controls and DEL; the bidirectional embeddings, overrides and isolates; the line and
     * paragraph separators; and the invisible marks that change how neighbouring text is shown.
     */
    static boolean acts(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200e || c == 0x200f || c == 0x061c || c == 0x2028 || c == 0x2029;
    }
}
