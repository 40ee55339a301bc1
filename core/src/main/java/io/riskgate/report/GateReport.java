package io.riskgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.riskgate.gate.GateDecision;
import io.riskgate.gate.RuleResult;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A gate decision as plain maps (the JSON of {@code riskgate gate --format json} and what the
 * {@code promote} step reports) and as text for consoles: failed rules first, then the passed ones.
 */
public final class GateReport {
    private GateReport() {
    }

    public static Map<String, Object> toMap(GateDecision d) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("environment", d.environment());
        map.put("outcome", d.outcome().name());
        map.put("headline", d.headline());
        map.put("head", d.head());
        map.put("score", d.score());
        map.put("level", d.level().name());
        List<Object> rules = new ArrayList<>();
        for (RuleResult r : d.rules()) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("id", r.id());
            rm.put("passed", r.passed());
            rm.put("effect", r.effect().name());
            rm.put("reason", r.reason());
            if (r.passesAt() != null) {
                rm.put("passesAt", r.passesAt().toString());
                rm.put("waits", r.waits());
            }
            rules.add(rm);
        }
        map.put("rules", rules);
        d.waitUntil().ifPresent(t -> map.put("waitUntil", t.toString()));
        if (d.quorum() != null) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("required", d.quorum().required());
            q.put("met", d.quorum().met());
            List<Object> approved = new ArrayList<>();
            for (io.riskgate.gate.Quorum.Counted c : d.quorum().approvals()) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("user", c.approval().who().id());
                a.put("at", c.approval().at() == null ? null : c.approval().at().toString());
                a.put("comment", c.approval().comment());
                a.put("rules", c.rules());
                approved.add(a);
            }
            q.put("approvedBy", approved);
            q.put("missing", d.quorum().missing());
            q.put("notCounted", d.quorum().notCounted());
            q.put("rejectedBy", d.quorum().rejection() == null ? null : d.quorum().rejection().who().id());
            map.put("approvals", q);
        }
        return map;
    }

    public static String toJson(GateDecision d) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap(d));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String toText(GateDecision d) {
        StringBuilder out = new StringBuilder(TerminalText.safe(d.headline())).append(System.lineSeparator());
        int width = d.rules().stream().mapToInt(r -> r.id().length()).max().orElse(10);
        List<RuleResult> ordered = new ArrayList<>(d.failed());
        d.rules().stream().filter(RuleResult::passed).forEach(ordered::add);
        for (RuleResult r : ordered) {
            String mark = r.passed() ? "pass" : r.effect() == io.riskgate.gate.GateOutcome.BLOCK ? "FAIL" : "WAIT";
            out.append(String.format(Locale.ROOT, "  %s  %-" + width + "s  %s%n", mark, r.id(), TerminalText.safe(r.reason())));
        }
        return out.toString();
    }
}
