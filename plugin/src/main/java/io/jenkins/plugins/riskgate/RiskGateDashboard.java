package io.jenkins.plugins.riskgate;

import hudson.Extension;
import hudson.Util;
import hudson.model.Api;
import hudson.model.Job;
import hudson.model.Run;
import hudson.model.RootAction;
import io.riskgate.RiskGateException;
import io.riskgate.learning.BacktestReport;
import io.riskgate.learning.Evaluation;
import io.riskgate.learning.StoreModels;
import io.riskgate.policy.RiskPolicy;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordCsv;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Outcome;
import io.riskgate.records.RecordQuery;
import io.riskgate.report.DeliveryReport;
import java.io.IOException;
import java.io.Writer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.Stapler;
import org.kohsuke.stapler.StaplerProxy;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The change dashboard ({@code /riskgate-dashboard/}) for administrators and release managers:
 * DORA tiles and weekly trends, readiness per pipeline, risk calibration, the changes with filters,
 * and the promotions waiting for approval. Also {@code api/json} and {@code export} (CSV), with the
 * same filters as query parameters: {@code job, environment, since, until, outcome, level}.
 * Every request is permission-checked: Administer, or the Approve permission.
 */
@Extension
@ExportedBean
public class RiskGateDashboard implements RootAction, StaplerProxy {
    static final int PAGE = 50;

    public static boolean canView() {
        Jenkins j = Jenkins.get();
        return j.hasPermission(Jenkins.ADMINISTER) || j.hasPermission(RiskGatePermissions.APPROVE);
    }

    @Override
    public Object getTarget() {
        if (!canView()) {
            Jenkins.get().checkPermission(RiskGatePermissions.APPROVE);
        }
        return this;
    }

    @Override
    public String getIconFileName() {
        return canView() ? "symbol-environment" : null;
    }

    @Override
    public String getDisplayName() {
        return "Deployment risk";
    }

    @Override
    public String getUrlName() {
        return "riskgate-dashboard";
    }

    /** The filters of a request, checked. */
    public record Filters(String job, String environment, String since, String until, String outcome, String level, int page) {
        static Filters of(StaplerRequest2 req) {
            int page = 0;
            try {
                page = Math.max(0, Integer.parseInt(Util.fixNull(req.getParameter("page")).isEmpty() ? "0" : req.getParameter("page")));
            } catch (NumberFormatException ignored) {
                // the first page
            }
            return new Filters(p(req, "job"), p(req, "environment"), p(req, "since"), p(req, "until"), p(req, "outcome"), p(req, "level"), page);
        }

        private static String p(StaplerRequest2 req, String name) {
            return Util.fixEmptyAndTrim(req.getParameter(name));
        }

        RecordQuery query() {
            Outcome o = null;
            if (outcome != null) {
                try {
                    o = Outcome.valueOf(outcome.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new RiskGateException("outcome must be SUCCEEDED, FAILED or ROLLED_BACK (got '" + outcome + "')");
                }
            }
            return new RecordQuery(environment, job, day(since, "since"), day(until, "until"), o,
                    level == null ? null : level.toUpperCase(Locale.ROOT));
        }

        private static Instant day(String text, String name) {
            if (text == null) {
                return null;
            }
            try {
                return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
            } catch (DateTimeException e) {
                throw new RiskGateException(name + " must be a date like 2026-11-01 (got '" + text + "')");
            }
        }

        /** The query string of these filters with another page. */
        public String withPage(int p) {
            StringBuilder q = new StringBuilder("?page=").append(p);
            add(q, "job", job);
            add(q, "environment", environment);
            add(q, "since", since);
            add(q, "until", until);
            add(q, "outcome", outcome);
            add(q, "level", level);
            return q.toString();
        }

        private static void add(StringBuilder q, String name, String value) {
            if (value != null) {
                q.append('&').append(name).append('=').append(Util.rawEncode(value));
            }
        }
    }

    /** What one page shows: the report, a page of changes and the waiting promotions; or the error that prevents it. */
    public record View(Filters filters, DeliveryReport report, List<ChangeRecord> changes, long total, List<Waiting> waiting, String error,
                       String chartData, StoreModels.Choice model, StoreModels.StoreBacktest backtest) {
        public boolean hasNext() {
            return (long) (filters.page() + 1) * PAGE < total;
        }

        /** The backtest's calibration tables side by side, or none. */
        public List<BacktestReport.CalibrationRow> calibrationRows() {
            return backtest == null || backtest.result() == null ? List.of() : BacktestReport.calibrationRows(backtest.result());
        }
    }

    /** A promotion waiting for approval, with the build it belongs to. */
    public record Waiting(Run<?, ?> run, PromotionRecord record) {
    }

    /** Called by the page with the current request. */
    public View view(StaplerRequest2 req) {
        Filters filters = Filters.of(req);
        List<Waiting> waiting = waiting();
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            RecordQuery query = filters.query();
            DeliveryReport report = report(store, query);
            List<ChangeRecord> changes = store.page(query, filters.page() * PAGE, PAGE);
            return new View(filters, report, changes, store.count(query), waiting, null, chartData(report), currentModel(store),
                    RiskModels.backtest(store, window(query)));
        } catch (RiskGateException e) {
            return new View(filters, null, List.of(), 0, waiting, e.getMessage(), "{}", null, null);
        }
    }

    /** The delivery report of a query's job, environment and dates (level and outcome narrow only the changes table). */
    private static DeliveryReport report(ChangeRecordStore store, RecordQuery query) {
        return DeliveryReport.of(store, window(query), Instant.now(), "production");
    }

    /** A query's job, environment and dates, without the level and outcome filters of the changes table. */
    private static RecordQuery window(RecordQuery query) {
        return new RecordQuery(query.environment(), query.pipeline(), query.since(), query.until());
    }

    /** The model assessments use now, under the global policy's learning settings. */
    private static StoreModels.Choice currentModel(ChangeRecordStore store) {
        RiskPolicy global = Policies.effective(RiskGateConfiguration.get().getPolicy(), null, null);
        return RiskModels.MODELS.choose(store, global.learningOrDefaults());
    }

    /** The risk model part of {@code api/json}: the model in use, and the backtest of the selected records. */
    private static Map<String, Object> riskModel(ChangeRecordStore store, RecordQuery query) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        StoreModels.Choice current = currentModel(store);
        m.put("model", current.name());
        m.put("note", current.reason());
        StoreModels.StoreBacktest backtest = RiskModels.backtest(store, window(query));
        m.put("backtest", backtest.result() == null ? Map.of("error", backtest.reason()) : BacktestReport.toMap(backtest.result()));
        return m;
    }

    /** The numbers the charts draw, as JSON for the page's script (in a data attribute, escaped by Jelly). */
    static String chartData(DeliveryReport report) {
        Map<String, Object> m = report.toMap();
        Map<String, Object> charts = new java.util.LinkedHashMap<>();
        charts.put("weekly", m.get("weekly"));
        charts.put("calibration", ((Map<?, ?>) m.get("calibration")).get("levels"));
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(charts);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Promotions waiting for approval in running builds of every job the user can see. */
    public List<Waiting> waiting() {
        List<Waiting> result = new ArrayList<>();
        for (Job<?, ?> job : Jenkins.get().getAllItems(Job.class)) {
            for (Run<?, ?> run : job.getBuilds().limit(20)) {
                if (!run.isBuilding()) {
                    continue;
                }
                PromotionAction action = run.getAction(PromotionAction.class);
                if (action != null) {
                    action.getRecords().stream().filter(PromotionRecord::isWaiting).forEach(r -> result.add(new Waiting(run, r)));
                }
            }
        }
        return result;
    }

    /** {@code api/json}: the report of the filters in the query string. */
    public Api getApi() {
        return new Api(this);
    }

    @Exported
    public Map<String, Object> getReport() {
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            RecordQuery query = Filters.of(Stapler.getCurrentRequest2()).query();
            Map<String, Object> report = new java.util.LinkedHashMap<>(report(store, query).toMap());
            report.put("riskModel", riskModel(store, query));
            return report;
        } catch (RiskGateException e) {
            return Map.of("error", e.getMessage());
        }
    }

    /** {@code export}: the filtered change records as CSV (the import layout of riskgate). */
    public void doExport(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        RecordQuery query;
        try {
            query = Filters.of(req).query();   // bad filters answer 400 before anything is written
        } catch (RiskGateException e) {
            rsp.sendError(400, e.getMessage());
            return;
        }
        rsp.setContentType("text/csv;charset=UTF-8");
        rsp.setHeader("Content-Disposition", "attachment; filename=\"change-records.csv\"");
        try (ChangeRecordStore store = ChangeRecords.openStore(); Writer out = rsp.getWriter();
             ChangeRecordCsv.Writer csv = new ChangeRecordCsv.Writer(out)) {
            store.forEach(query, csv::write);
        } catch (RiskGateException e) {
            rsp.sendError(400, e.getMessage());
        }
    }

    /** For the page: a date. */
    public static String when(Instant t) {
        return t == null ? "" : java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(t);
    }

    /** For the page: seconds in words. */
    public static String duration(Double seconds) {
        return DeliveryReport.duration(seconds);
    }

    /** For the page: a share in percent. */
    public static String percent(Double share) {
        return DeliveryReport.percent(share);
    }

    /** For the page: a number with three decimals. */
    public static String decimal(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** For the page: the share of failed changes caught when gating the riskiest {@code percent}% of changes. */
    public static String caught(Evaluation e, int percent) {
        return DeliveryReport.percent(e.caughtAt().get(percent));
    }

    /** For the page: a calibration bucket as "changes: predicted → observed", or a dash. */
    public static String bucket(Evaluation.Bucket b) {
        return b == null ? "–" : String.format(Locale.ROOT, "%,d: %.0f%% → %.0f%%", b.rows(), 100 * b.predicted(), 100 * b.observed());
    }

    /** For the page: a count with thousands separators. */
    public static String count(int n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** For the page: a day. */
    public static String day(Instant t) {
        return t == null ? "" : t.toString().substring(0, 10);
    }

    /** For the page: a rate. */
    public static String perDay(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
