package io.riskgate.git;

import java.time.Instant;

/** One commit of a change. */
public record Commit(String sha, int parents, String authorName, String authorEmail,
                     Instant authorTime, Instant commitTime, String subject) {
    public boolean isMerge() {
        return parents > 1;
    }
}
