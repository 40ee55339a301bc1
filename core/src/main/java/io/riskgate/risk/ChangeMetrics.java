package io.riskgate.risk;

import io.riskgate.git.HistoryMeasures;

/**
 * Size and diffusion of a change (Kamei et al. 2013): lines, files, directories, subsystems
 * (top-level directories), the entropy of the spread of changed lines over files (normalised to
 * 0..1), commits and authors. Files excluded by the policy (generated, vendored) and renames
 * without edits are not counted; they are reported separately. {@code history} holds the history of
 * the touched files and the experience of the authors, read from git ({@link HistoryMeasures#NONE}
 * when not read).
 */
public record ChangeMetrics(int linesAdded, int linesDeleted, int files, int directories, int subsystems,
                            double entropy, int commits, int authors,
                            int binaryFiles, int renames, int excludedFiles, int merges, HistoryMeasures history) {
    public ChangeMetrics {
        if (history == null) {
            history = HistoryMeasures.NONE;
        }
    }

    /** Size and spread only, without history measures. */
    public ChangeMetrics(int linesAdded, int linesDeleted, int files, int directories, int subsystems, double entropy, int commits,
                         int authors, int binaryFiles, int renames, int excludedFiles, int merges) {
        this(linesAdded, linesDeleted, files, directories, subsystems, entropy, commits, authors, binaryFiles, renames, excludedFiles,
                merges, HistoryMeasures.NONE);
    }

    public int linesChanged() {
        return linesAdded + linesDeleted;
    }
}
