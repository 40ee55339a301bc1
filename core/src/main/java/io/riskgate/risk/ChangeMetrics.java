package io.riskgate.risk;

/**
 * Size and diffusion of a change (Kamei et al. 2013): lines, files, directories, subsystems
 * (top-level directories), the entropy of the spread of changed lines over files (normalised to
 * 0..1), commits and authors. Files excluded by the policy (generated, vendored) and renames
 * without edits are not counted; they are reported separately.
 */
public record ChangeMetrics(int linesAdded, int linesDeleted, int files, int directories, int subsystems,
                            double entropy, int commits, int authors,
                            int binaryFiles, int renames, int excludedFiles, int merges) {
    public int linesChanged() {
        return linesAdded + linesDeleted;
    }
}
