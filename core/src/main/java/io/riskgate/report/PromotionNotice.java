package io.riskgate.report;

import io.riskgate.gate.GateDecision;
import io.riskgate.gate.GateOutcome;
import io.riskgate.gate.RuleResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the people who may decide a waiting promotion are told: an e-mail's subject and text, and a
 * JSON event for a webhook, with the risk, the factors that weigh most, what is still missing and
 * where to decide. The event's id is stable for one promotion's wait, so a retried delivery is
 * recognised as the same event.
 *
 * @param pipeline the job's full name
 * @param promotion the promotion's id (the change record's)
 * @param link the page where the promotion is approved or rejected (absolute when known)
 * @param factors the assessment's factors as {@code id}, {@code points}, {@code explanation}
 */
public record PromotionNotice(String pipeline, int build, String promotion, GateDecision decision, List<Factor> factors,
                              List<String> missing, String link, Instant at) {
    /** How many factors the notice names. */
    public static final int TOP_FACTORS = 3;
    /** The longest piece of outside text (a factor's explanation, a rule's reason) a notice carries. */
    public static final int LONGEST_TEXT = 300;

    /** One factor of the risk. */
    public record Factor(String id, int points, String explanation) {
    }

    public PromotionNotice {
        factors = List.copyOf(factors);
        missing = List.copyOf(missing);
    }

    /** The factors with the most points (by magnitude), at most {@link #TOP_FACTORS}. */
    public List<Factor> topFactors() {
        List<Factor> sorted = new ArrayList<>(factors);
        sorted.sort((a, b) -> Integer.compare(Math.abs(b.points()), Math.abs(a.points())));
        return sorted.subList(0, Math.min(TOP_FACTORS, sorted.size()));
    }

    /** What the promotion still waits for: the missing approvals, else the rules that ask for approval. */
    public List<String> waitingFor() {
        if (!missing.isEmpty()) {
            return missing;
        }
        List<String> reasons = new ArrayList<>();
        for (RuleResult r : decision.rules()) {
            if (!r.passed() && r.effect() == GateOutcome.NEEDS_APPROVAL) {
                reasons.add(r.reason());
            }
        }
        return reasons;
    }

    public String subject() {
        return line("Approval needed: " + pipeline + " #" + build + " to " + decision.environment() + " (risk " + decision.score() + " "
                + decision.level() + ")");
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(pipeline).append(" #").append(build).append(" waits for approval to deploy ").append(shortHead())
                .append(" to ").append(decision.environment()).append(".\n\n");
        out.append("Risk: ").append(decision.score()).append("/100 ").append(decision.level()).append('\n');
        for (Factor f : topFactors()) {
            out.append("  ").append(f.points() >= 0 ? "+" : "").append(f.points()).append("  ").append(line(f.id())).append(": ")
                    .append(line(f.explanation())).append('\n');
        }
        out.append("\nStill missing:\n");
        for (String w : waitingFor()) {
            out.append("  - ").append(line(w)).append('\n');
        }
        out.append("\nApprove or reject: ").append(link).append('\n');
        return out.toString();
    }

    /** The webhook's JSON event (as plain maps). */
    public Map<String, Object> event() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", eventId());
        m.put("type", "promotion.waiting");
        m.put("at", at.toString());
        m.put("pipeline", pipeline);
        m.put("build", build);
        m.put("promotion", promotion);
        m.put("environment", decision.environment());
        m.put("head", decision.head());
        m.put("score", decision.score());
        m.put("level", decision.level().name());
        List<Map<String, Object>> top = new ArrayList<>();
        for (Factor f : topFactors()) {
            Map<String, Object> factor = new LinkedHashMap<>();
            factor.put("id", f.id());
            factor.put("points", f.points());
            factor.put("explanation", bounded(f.explanation()));
            top.add(factor);
        }
        m.put("factors", top);
        m.put("missing", waitingFor().stream().map(PromotionNotice::bounded).toList());
        m.put("link", link);
        return m;
    }

    /** Stable for one promotion's wait: the same promotion notified twice is one event. */
    public String eventId() {
        return eventId("promotion.waiting", pipeline, String.valueOf(build), promotion);
    }

    /**
     * The id of an event: the first 128 bits of SHA-256 over its type and the parts that identify
     * its fact, one per line (null as empty), in hex (32 characters).
     */
    public static String eventId(String type, String... parts) {
        StringBuilder text = new StringBuilder(type);
        for (String p : parts) {
            text.append('\n').append(p == null ? "" : p);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String shortHead() {
        String head = decision.head() == null ? "" : decision.head();
        return head.substring(0, Math.min(10, head.length()));
    }

    /** Outside text on one line (no header or line injection in a subject or body), bounded. */
    private static String line(String text) {
        return TerminalText.safe(bounded(text));
    }

    /** Outside text cut to {@value #LONGEST_TEXT} characters (with "..."); null as empty. */
    public static String bounded(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= LONGEST_TEXT ? text : text.substring(0, LONGEST_TEXT) + "...";
    }
}
