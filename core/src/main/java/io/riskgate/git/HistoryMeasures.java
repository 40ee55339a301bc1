package io.riskgate.git;

import java.io.Serializable;
import java.time.Instant;

/**
 * The history of the files a change touches and the experience of its authors, read from git
 * (Kamei et al. 2013; definitions and formulas in docs/scoring.md).
 *
 * @param developers NDEV: distinct authors (e-mail) of the earlier commits that touched these files
 * @param age AGE: mean days from each file's last earlier change to the change, over the files changed before
 * @param priorChanges NUC: distinct earlier commits that touched these files
 * @param authorExperience EXP: earlier commits by the change's author (mean over its authors)
 * @param recentExperience REXP: the same, each weighted {@code 1 / (1 + days ago / 365)}
 * @param subsystemExperience SEXP: earlier commits by the author that touched the change's subsystems
 * @param fix a commit subject or the branch name matches a fix pattern
 * @param commitsRead earlier commits read (the look-back)
 * @param since the oldest commit read, or null when none was
 * @param shallow the repository is a shallow clone: the history may be cut short
 * @param note what the reader should know (a shallow clone, a cut-off), or null
 */
public record HistoryMeasures(int developers, double age, int priorChanges, double authorExperience, double recentExperience,
                              double subsystemExperience, boolean fix, int commitsRead, Instant since, boolean shallow,
                              String note) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Nothing read: a change without commits, or an assessment that did not read history. */
    public static final HistoryMeasures NONE = new HistoryMeasures(0, 0, 0, 0, 0, 0, false, 0, null, false, null);
}
