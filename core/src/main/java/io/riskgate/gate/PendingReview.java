package io.riskgate.gate;

import java.time.Instant;

/**
 * A failure of the pipeline that waits for a post-incident review: the gate's view of it.
 *
 * @param deployment the change record id
 * @param why FAILED, ROLLED_BACK and/or the incidents it caused, in words
 */
public record PendingReview(String deployment, String commit, Instant finishedAt, String why) {
}
