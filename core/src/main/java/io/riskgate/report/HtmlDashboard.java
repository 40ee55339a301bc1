package io.riskgate.report;

import io.riskgate.metrics.Calibration;
import io.riskgate.metrics.Readiness;
import io.riskgate.records.TrendPoint;
import io.riskgate.records.ChangeRecord;
import io.riskgate.AtomicFiles;
import io.riskgate.RiskGateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The offline dashboard of {@code riskgate report --html DIR}: one self-contained {@code index.html}
 * (inline CSS and SVG charts, no scripts, nothing fetched) with the DORA tiles, weekly trends,
 * calibration, readiness and the latest changes. All record text is escaped.
 */
public final class HtmlDashboard {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private HtmlDashboard() {
    }

    /** Writes {@code index.html} into {@code dir} and returns its path. */
    public static Path write(Path dir, DeliveryReport report, List<ChangeRecord> latest, String title) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new RiskGateException("cannot write the dashboard into " + dir + ": it is a file, not a directory: name a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw AtomicFiles.failure("the dashboard", dir, e);
        }
        Path file = dir.resolve("index.html");
        AtomicFiles.write(file, render(report, latest, title), "the dashboard");
        return file;
    }

    static String render(DeliveryReport r, List<ChangeRecord> latest, String title) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(Html.escape(title)).append("</title>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>").append(CSS).append("</style></head><body>");
        h.append("<h1>").append(Html.escape(title)).append("</h1><p class=\"sub\">")
                .append(Html.escape(scope(r))).append("</p>");
        var d = r.dora();
        h.append("<section class=\"tiles\">")
                .append(tile("Deployment frequency", String.format(Locale.ROOT, "%.2f / day", d.deploymentFrequency()), d.successful() + " successful deployments"))
                .append(tile("Lead time for changes", DeliveryReport.duration(d.leadTimeMedian()), "median; p90 " + DeliveryReport.duration(d.leadTimeP90())))
                .append(tile("Change failure rate", DeliveryReport.percent(d.changeFailureRate()), d.failures() + " of " + d.deployments() + " failed or rolled back"))
                .append(tile("Time to restore", DeliveryReport.duration(d.timeToRestoreMedian()), "median, to the next successful deployment"))
                .append("</section>");
        List<String> weeks = r.weekly().stream().map(p -> DAY.format(p.start())).toList();
        h.append("<section class=\"charts\"><figure><figcaption>Deployments per week (failed or rolled back in red)</figcaption>")
                .append(SvgChart.stackedBars("Deployments per week", weeks, r.weekly().stream().map(p -> (double) p.deployments()).toList(),
                        r.weekly().stream().map(p -> (double) p.failures()).toList(), "deployments", "failures"))
                .append("</figure><figure><figcaption>Change failure rate per week</figcaption>")
                .append(SvgChart.line("Change failure rate per week", weeks, r.weekly().stream().map(TrendPoint::changeFailureRate).toList(),
                        DeliveryReport::percent))
                .append("</figure><figure><figcaption>Median lead time per week</figcaption>")
                .append(SvgChart.line("Median lead time per week", weeks, r.weekly().stream().map(TrendPoint::leadTimeMedian).toList(),
                        DeliveryReport::duration))
                .append("</figure><figure><figcaption>Change failure rate per risk level (calibration)")
                .append(r.auc() == null ? "" : String.format(Locale.ROOT, "; AUC %.3f", r.auc())).append("</figcaption>")
                .append(SvgChart.stackedBars("Change failure rate per risk level", r.calibration().stream().map(Calibration.LevelRow::level).toList(),
                        r.calibration().stream().map(l -> l.changeFailureRate() == null ? 0.0 : l.changeFailureRate()).toList(),
                        r.calibration().stream().map(l -> 0.0).toList(), "change failure rate", ""))
                .append("</figure></section>");
        h.append("<h2>Readiness</h2><table><thead><tr><th>pipeline</th><th>status</th><th>rollback declared</th><th>rollback exercised (90 d)</th>")
                .append("<th>runbook</th><th>tests gating</th><th>production approvals</th><th>recent failures reviewed</th><th>last deployment</th></tr></thead><tbody>");
        for (Readiness.PipelineReadiness p : r.readiness()) {
            h.append("<tr><td>").append(Html.escape(p.pipeline())).append("</td><td class=\"").append(p.ready() ? "ok" : "bad").append("\">")
                    .append(p.ready() ? "ready" : "at risk").append(" (").append(p.checksPassed()).append('/').append(Readiness.PipelineReadiness.checks())
                    .append(")</td>").append(check(p.rollbackDeclared())).append(check(p.rollbackRehearsed())).append(check(p.runbookLinked()))
                    .append(check(p.testsGating())).append(check(p.productionApprovals()))
                    .append("<td class=\"").append(p.recentFailures() == p.recentFailuresWithReview() ? "ok" : "bad").append("\">")
                    .append(p.recentFailuresWithReview()).append(" of ").append(p.recentFailures()).append("</td><td>")
                    .append(MINUTE.format(p.lastDeployment())).append("</td></tr>");
        }
        h.append("</tbody></table>");
        h.append("<h2>Latest changes</h2><table><thead><tr><th>finished</th><th>pipeline</th><th>environment</th><th>commit</th>")
                .append("<th>risk</th><th>outcome</th><th>lead time</th><th>links</th></tr></thead><tbody>");
        for (ChangeRecord c : latest) {
            h.append("<tr><td>").append(MINUTE.format(c.finishedAt())).append("</td><td>").append(Html.escape(c.pipeline())).append("</td><td>")
                    .append(Html.escape(c.environment())).append("</td><td><code>").append(Html.escape(c.commit().substring(0, Math.min(10, c.commit().length()))))
                    .append("</code></td><td>").append(c.riskScore() == null ? "" : c.riskScore() + " " + Html.escape(c.riskLevel())).append("</td><td class=\"")
                    .append(c.outcome().failure() ? "bad" : "ok").append("\">").append(c.outcome()).append("</td><td>")
                    .append(DeliveryReport.duration(c.leadTimeSeconds() == null ? null : c.leadTimeSeconds().doubleValue())).append("</td><td>")
                    .append(Html.link(c.buildUrl(), "build")).append(' ').append(Html.link(c.runbookUrl(), c.runbookUrl() == null ? "" : "runbook"))
                    .append(' ').append(Html.link(c.pirUrl(), c.pirUrl() == null ? "" : "review")).append("</td></tr>");
        }
        h.append("</tbody></table><p class=\"sub\">Definitions: docs/metrics.md. Generated by riskgate.</p></body></html>");
        return h.toString();
    }

    private static String scope(DeliveryReport r) {
        var q = r.query();
        var d = r.dora();
        return (q.environment() == null ? "all environments" : "environment " + q.environment())
                + ", " + (q.pipeline() == null ? "all pipelines" : "pipeline " + q.pipeline())
                + (d.since() == null ? "" : ", " + MINUTE.format(d.since()) + " to " + MINUTE.format(d.until()) + " UTC");
    }

    private static String tile(String name, String value, String note) {
        return "<div class=\"tile\"><div class=\"name\">" + Html.escape(name) + "</div><div class=\"value\">" + Html.escape(value)
                + "</div><div class=\"note\">" + Html.escape(note) + "</div></div>";
    }

    private static String check(boolean ok) {
        return "<td class=\"" + (ok ? "ok\">yes" : "bad\">no") + "</td>";
    }

    private static final String CSS = "body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#1b1f24;background:#fff}"
            + "h1{margin:0 0 4px}h2{margin-top:32px}.sub{color:#57606a;margin:0 0 16px}"
            + ".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}"
            + ".tile{border:1px solid #d0d7de;border-radius:8px;padding:12px}.tile .name{color:#57606a;font-size:13px}"
            + ".tile .value{font-size:28px;font-weight:600;margin:4px 0}.tile .note{color:#57606a;font-size:12px}"
            + ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px;margin-top:16px}"
            + "figure{margin:0;border:1px solid #d0d7de;border-radius:8px;padding:8px}figcaption{font-size:13px;color:#57606a;margin-bottom:4px}"
            + ".chart{width:100%;height:auto}.bar{fill:#0969da}.bar-part{fill:#cf222e}.line{fill:none;stroke:#0969da;stroke-width:2}"
            + ".dot{fill:#0969da}.grid{stroke:#eaeef2}.axis{font-size:11px;fill:#57606a}"
            + "table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #d0d7de;padding:6px 8px;text-align:left}"
            + "th{background:#f6f8fa}.ok{color:#1a7f37}.bad{color:#cf222e}code{font-size:12px}";
}
