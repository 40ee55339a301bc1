package io.riskgate.records;

import io.riskgate.RiskGateException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Locale;

/**
 * A post-incident review of a failed, rolled-back or incident-linked deployment: where it is
 * written up, who wrote it and when, and optionally what was learned.
 *
 * @param url an http or https link to the review
 * @param summary a short summary, or null
 */
public record Review(String deploymentId, String url, String author, Instant reviewedAt, String summary) {
    public static final int MAX_URL = 2048;
    public static final int MAX_AUTHOR = 256;
    public static final int MAX_SUMMARY = 4096;

    public Review {
        if (deploymentId == null || deploymentId.isBlank()) {
            throw new RiskGateException("a review needs the deployment (change record id) it reviews");
        }
        deploymentId = deploymentId.strip();
        if (deploymentId.length() > 128) {
            throw new RiskGateException("a deployment id has at most 128 characters (got " + deploymentId.length() + ")");
        }
        url = checkedUrl(url);
        if (author == null || author.isBlank()) {
            throw new RiskGateException("a review needs an author");
        }
        author = author.strip();
        if (author.length() > MAX_AUTHOR) {
            throw new RiskGateException("a review's author has at most " + MAX_AUTHOR + " characters (got " + author.length() + ")");
        }
        if (reviewedAt == null) {
            throw new RiskGateException("a review needs its date");
        }
        reviewedAt = RecordTimes.millis(reviewedAt);
        summary = summary == null || summary.isBlank() ? null : summary.strip();
        if (summary != null && summary.length() > MAX_SUMMARY) {
            throw new RiskGateException("a review's summary has at most " + MAX_SUMMARY + " characters (got " + summary.length() + "): link the details");
        }
    }

    /** An absolute http(s) URL of at most {@value #MAX_URL} characters, or an error that says so. */
    static String checkedUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new RiskGateException("a review needs the URL of the review document");
        }
        String u = url.strip();
        if (u.length() > MAX_URL) {
            throw new RiskGateException("the review URL has " + u.length() + " characters, more than the " + MAX_URL + " the store holds");
        }
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new RiskGateException("the review URL " + RecordTimes.quote(u) + " must be an http:// or https:// link");
            }
        } catch (URISyntaxException e) {
            throw new RiskGateException("the review URL " + RecordTimes.quote(u) + " is not a URL: " + e.getReason());
        }
        return u;
    }
}
