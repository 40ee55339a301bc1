package io.riskgate.git;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What is being promoted: the repository, the baseline and head commits as asked for and as
 * resolved, and the commits between them (newest first, as git lists them).
 */
public record Change(Path repository, String baseRef, String baseline, String headRef, String head,
                     List<Commit> commits) {
    public Change {
        commits = List.copyOf(commits);
    }

    /** Commits that are not merges. */
    public List<Commit> nonMergeCommits() {
        return commits.stream().filter(c -> !c.isMerge()).toList();
    }

    /** Distinct author e-mail addresses (lower-cased) of the non-merge commits, or of all if there are only merges. */
    public Set<String> authors() {
        List<Commit> source = nonMergeCommits().isEmpty() ? commits : nonMergeCommits();
        Set<String> authors = new LinkedHashSet<>();
        for (Commit c : source) {
            authors.add(c.authorEmail().toLowerCase(java.util.Locale.ROOT));
        }
        return authors;
    }

    /** The earliest commit time of the change: where lead time starts. */
    public Optional<Instant> firstCommitTime() {
        return commits.stream().map(Commit::commitTime).min(Instant::compareTo);
    }
}
