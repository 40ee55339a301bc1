package io.jenkins.plugins.riskgate;

import io.riskgate.records.ChangeRecord;
import io.riskgate.report.Assessment;
import io.riskgate.report.TerminalText;
import io.riskgate.risk.Factor;
import java.util.List;

/** Short console summaries of what the steps did. */
final class Summaries {
    private Summaries() {
    }

    static String assessment(RiskAssessmentAction action) {
        Assessment a = action.assessment();
        ChangeRecord.Metrics m = a.metrics();
        StringBuilder out = new StringBuilder();
        out.append("[riskgate] risk ").append(a.score()).append("/100 ").append(a.level())
                .append(" (").append(shortSha(a.baseline())).append("..").append(shortSha(a.head())).append("): +")
                .append(m.linesAdded()).append(" -").append(m.linesDeleted()).append(" lines in ")
                .append(count(m.files(), "file")).append(", ").append(count(m.commits(), "commit"))
                .append(" by ").append(count(m.authors(), "author"));
        String history = a.historyLine();
        if (history != null) {
            out.append(System.lineSeparator()).append("[riskgate] ").append(TerminalText.safe(history))
                    .append(a.history().note() == null ? "" : " (" + TerminalText.safe(a.history().note()) + ")");
        }
        out.append(System.lineSeparator()).append("[riskgate] model ").append(a.model())
                .append(a.modelNote() == null ? "" : ": " + a.modelNote());
        for (Factor f : a.factors()) {
            if (f.points() != 0) {
                out.append(System.lineSeparator()).append(String.format("[riskgate]   %+4d  %-36s %s", f.points(), f.id(),
                        TerminalText.safe(f.explanation())));
            }
        }
        List<Assessment.Finding> findings = a.findings();
        for (Assessment.Finding f : findings.subList(0, Math.min(10, findings.size()))) {
            out.append(System.lineSeparator()).append("[riskgate]   ").append(f.kind()).append(" ")
                    .append(TerminalText.safe(f.path()))
                    .append(f.line() == null ? "" : ":" + f.line()).append(": ").append(TerminalText.safe(f.evidence()));
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
