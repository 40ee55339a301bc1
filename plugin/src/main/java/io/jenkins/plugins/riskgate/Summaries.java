package io.jenkins.plugins.riskgate;

import io.riskgate.report.TerminalText;
import java.util.List;
import java.util.Map;

/** Short console summaries of what the steps did. */
final class Summaries {
    private Summaries() {
    }

    static String assessment(RiskAssessmentAction a) {
        Map<String, Object> m = a.getMetrics();
        StringBuilder out = new StringBuilder();
        out.append("[riskgate] risk ").append(a.getScore()).append("/100 ").append(a.getLevel())
                .append(" (").append(shortSha(a.getBaseline())).append("..").append(shortSha(a.getHead())).append("): +")
                .append(m.get("linesAdded")).append(" -").append(m.get("linesDeleted")).append(" lines in ")
                .append(count(m.get("files"), "file")).append(", ").append(count(m.get("commits"), "commit"))
                .append(" by ").append(count(m.get("authors"), "author"));
        if (a.getHistory() != null) {
            out.append(System.lineSeparator()).append("[riskgate] ").append(TerminalText.safe(a.getHistory()))
                    .append(a.getHistoryNote() == null ? "" : " (" + TerminalText.safe(a.getHistoryNote()) + ")");
        }
        out.append(System.lineSeparator()).append("[riskgate] model ").append(a.getModel())
                .append(a.getModelNote() == null ? "" : ": " + a.getModelNote());
        for (Map<String, Object> f : a.getFactors()) {
            int points = ((Number) f.get("points")).intValue();
            if (points != 0) {
                out.append(System.lineSeparator()).append(String.format("[riskgate]   %+4d  %-36s %s", points, f.get("id"),
                        TerminalText.safe(String.valueOf(f.get("explanation")))));
            }
        }
        List<Map<String, Object>> findings = a.getFindings();
        for (Map<String, Object> f : findings.subList(0, Math.min(10, findings.size()))) {
            out.append(System.lineSeparator()).append("[riskgate]   ").append(f.get("kind")).append(" ")
                    .append(TerminalText.safe(String.valueOf(f.get("path"))))
                    .append(f.get("line") == null ? "" : ":" + f.get("line")).append(": ").append(TerminalText.safe(String.valueOf(f.get("evidence"))));
        }
        if (findings.size() > 10) {
            out.append(System.lineSeparator()).append("[riskgate]   ... and ").append(findings.size() - 10).append(" more findings on the build page");
        }
        return out.toString();
    }

    /** "1 file", "3 files"; "?" when the number is missing. */
    static String count(Object n, String noun) {
        if (!(n instanceof Number number)) {
            return "? " + noun + "s";
        }
        return number + " " + noun + (number.longValue() == 1 ? "" : "s");
    }

    static String shortSha(String sha) {
        return sha == null ? "?" : sha.substring(0, Math.min(10, sha.length()));
    }
}
