package io.riskgate.risk;

/**
 * One thing found in a change that makes it harder (or easier) to undo, with its evidence.
 *
 * @param line the line in the head version of the file, or 0 where no single line applies
 * @param evidence what was found, in words or as the matching text
 */
public record ReversibilityFinding(FindingKind kind, String path, int line, String evidence) {
    public String location() {
        return line > 0 ? path + ":" + line : path;
    }
}
