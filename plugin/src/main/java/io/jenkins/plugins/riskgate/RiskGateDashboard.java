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
import io.riskgate.records.Visibility;
import io.riskgate.records.WaitingPromotions;
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
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.Stapler;
import org.kohsuke.stapler.StaplerProxy;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The change dashboard ({@code /riskgate-dashboard/}) for administrators and release managers:
 * DORA tiles and weekly trends, readiness per pipeline, risk calibration, the changes with filters,
 * and the promotions waiting for approval (from {@link WaitingApprovals}, the index of them). Also
 * {@code api/json} and {@code export} (CSV), with the same filters as query parameters:
 * {@code job, environment, since, until, outcome, level}.
 *
 * <p>Every request is permission-checked ({@link Visibility}): the page opens for administrators and
 * for whoever holds the Approve permission globally or on a job or folder they can read; it shows,
 * exports and computes its figures over the records of the jobs the user may read (administrators:
 * every record), and offers approve and reject only where the user holds Approve on the job.
 */
@Extension
@ExportedBean
public class RiskGateDashboard implements RootAction, StaplerProxy {
    static final int PAGE = 50;
    private static final String VISIBILITY = RiskGateDashboard.class.getName() + ".visibility";

    private final JenkinsFacade jenkins;

    public RiskGateDashboard() {
        this(JenkinsFacade.JENKINS);
    }

    RiskGateDashboard(JenkinsFacade jenkins) {
        this.jenkins = jenkins;
    }

    /**
     * What the current user may see and decide, from their permissions on the jobs they may read; the
     * dashboard, the reviews page and their endpoints share it.
     */
    @Restricted(NoExternalUse.class)
    public static Visibility visibility(JenkinsFacade jenkins) {
        if (jenkins.hasPermission(Jenkins.ADMINISTER)) {
            return Visibility.everything();
        }
        List<String> readable = new ArrayList<>();
        List<String> approvable = new ArrayList<>();
        for (Job<?, ?> job : jenkins.readableJobs()) {
            readable.add(job.getFullName());
            if (jenkins.hasPermission(RiskGatePermissions.APPROVE, job)) {
                approvable.add(job.getFullName());
            }
        }
        return Visibility.of(readable, approvable, jenkins.hasPermission(RiskGatePermissions.APPROVE));
    }

    /** The current user's visibility, computed once per request. */
    Visibility visibility() {
        return currentVisibility(jenkins);
    }

    /** The current user's visibility, computed once per request for the dashboard and the reviews page alike. */
    @Restricted(NoExternalUse.class)
    public static Visibility currentVisibility(JenkinsFacade jenkins) {
        StaplerRequest2 req = Stapler.getCurrentRequest2();
        if (req == null) {
            return visibility(jenkins);
        }
        Object known = req.getAttribute(VISIBILITY);
        if (known instanceof Visibility v) {
            return v;
        }
        Visibility v = visibility(jenkins);
        req.setAttribute(VISIBILITY, v);
        return v;
    }

    /** Whether the side panel links the dashboard or the reviews page: cheap checks first, then the first job the user may approve in. */
    @Restricted(NoExternalUse.class)
    public static boolean linked(JenkinsFacade jenkins) {
        if (jenkins.hasPermission(Jenkins.ADMINISTER) || jenkins.hasPermission(RiskGatePermissions.APPROVE)) {
            return true;
        }
        return currentVisibility(jenkins).opensDashboard();
    }

    /** Lets the user in to the dashboard or the reviews page, or answers 403. */
    @Restricted(NoExternalUse.class)
    public static void checkOpens(JenkinsFacade jenkins) {
        if (!currentVisibility(jenkins).opensDashboard()) {
            jenkins.checkPermission(RiskGatePermissions.APPROVE, null);   // answers 403 (the user lacks it)
        }
    }

    @Override
    public Object getTarget() {
        checkOpens(jenkins);
        return this;
    }

    @Override
    public String getIconFileName() {
        return linked(jenkins) ? "symbol-environment" : null;
    }

    @Override
    public String getDisplayName() {
        return Messages.RiskGateDashboard_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "riskgate-dashboard";
    }

    /** The filters of a request, checked. */
    @Restricted(NoExternalUse.class)
    public record Filters(String job, String environment, String since, String until, String outcome, String level, int page) {
        static Filters of(StaplerRequest2 req) {
            return of(req::getParameter);
        }

        /** The filters of a request's parameters. */
        static Filters of(java.util.function.UnaryOperator<String> parameters) {
            int page = 0;
            try {
                String p = Util.fixEmptyAndTrim(parameters.apply("page"));
                page = p == null ? 0 : Math.max(0, Integer.parseInt(p));
            } catch (NumberFormatException ignored) {
                // the first page
            }
            return new Filters(p(parameters, "job"), p(parameters, "environment"), p(parameters, "since"), p(parameters, "until"),
                    p(parameters, "outcome"), p(parameters, "level"), page);
        }

        private static String p(java.util.function.UnaryOperator<String> parameters, String name) {
            return Util.fixEmptyAndTrim(parameters.apply(name));
        }

        RecordQuery query() {
            Outcome o = null;
            if (outcome != null) {
                try {
                    o = Outcome.valueOf(outcome.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new RiskGateException(Messages.RiskGateDashboard_BadOutcome(outcome));
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
                throw new RiskGateException(Messages.RiskGateDashboard_BadDate(name, text));
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
    @Restricted(NoExternalUse.class)
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

    /**
     * A promotion waiting for approval, with the build it belongs to; {@code approvable} when the user
     * holds Approve on its job (the page shows the buttons then; the build's endpoints check it again).
     */
    @Restricted(NoExternalUse.class)
    public record Waiting(Run<?, ?> run, PromotionRecord record, boolean approvable) {
    }

    /** Called by the page with the current request. */
    @Restricted(NoExternalUse.class) // used by jelly
    public View view(StaplerRequest2 req) {
        Filters filters = Filters.of(req);
        Visibility visibility = visibility();
        List<Waiting> waiting = waiting(visibility);
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            RecordQuery query = visibility.narrow(filters.query());
            DeliveryReport report = report(store, query);
            List<ChangeRecord> changes = store.page(query, filters.page() * PAGE, PAGE);
            return new View(filters, report, changes, store.count(query), waiting, null, chartData(report), currentModel(store),
                    RiskModels.backtest(store, query.window()));
        } catch (RiskGateException e) {
            return new View(filters, null, List.of(), 0, waiting, e.getMessage(), "{}", null, null);
        }
    }

    /** The delivery report of a query's job, environment, dates and visible pipelines (level and outcome narrow only the changes table). */
    private static DeliveryReport report(ChangeRecordStore store, RecordQuery query) {
        return DeliveryReport.of(store, query.window(), Instant.now(), "production");
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
        StoreModels.StoreBacktest backtest = RiskModels.backtest(store, query.window());
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

    /**
     * Promotions waiting for approval in the jobs the user may read, from the controller's index of
     * waiting promotions (no job's builds are walked); an entry whose build or record no longer waits
     * leaves the index.
     */
    List<Waiting> waiting(Visibility visibility) {
        WaitingPromotions index = jenkins.waitingPromotions();
        List<Waiting> result = new ArrayList<>();
        for (WaitingPromotions.Listed listed : index.visibleTo(visibility)) {
            WaitingPromotions.Entry entry = listed.entry();
            Job<?, ?> job = jenkins.job(entry.pipeline());
            Run<?, ?> run = job == null ? null : job.getBuildByNumber(entry.build());
            PromotionAction action = run == null ? null : run.getAction(PromotionAction.class);
            PromotionRecord record = action == null ? null : action.get(entry.id());
            if (record == null || !run.isBuilding() || !record.isWaiting()) {
                index.remove(entry.id());
                continue;
            }
            result.add(new Waiting(run, record, listed.approvable()));
        }
        return result;
    }

    /** {@code api/json}: the promotions waiting for approval that the user may see, the longest waiting first. */
    @Exported
    public List<Map<String, Object>> getWaiting() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Waiting w : waiting(visibility())) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("id", w.record().getId());
            m.put("job", w.run().getParent().getFullName());
            m.put("build", w.run().getNumber());
            m.put("environment", w.record().getEnvironment());
            m.put("commit", w.record().getHead());
            m.put("score", w.record().getScore());
            m.put("level", w.record().getLevel());
            m.put("url", w.run().getUrl() + PromotionAction.URL + "/");
            m.put("approvable", w.approvable());
            list.add(m);
        }
        return list;
    }

    /** {@code api/json}: the report of the filters in the query string. */
    public Api getApi() {
        return new Api(this);
    }

    @Exported
    public Map<String, Object> getReport() {
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            RecordQuery query = visibility().narrow(Filters.of(Stapler.getCurrentRequest2()).query());
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
            query = visibility().narrow(Filters.of(req).query());   // bad filters answer 400 before anything is written
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
    @Restricted(NoExternalUse.class) // used by jelly
    public static String when(Instant t) {
        return t == null ? "" : java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(t);
    }

    /** For the page: seconds in words. */
    @Restricted(NoExternalUse.class) // used by jelly
    public static String duration(Double seconds) {
        return DeliveryReport.duration(seconds);
    }

    /** For the page: a share in percent. */
    @Restricted(NoExternalUse.class) // used by jelly
    public static String percent(Double share) {
        return DeliveryReport.percent(share);
    }

    /** For the page: a number with three decimals. */
    @Restricted(NoExternalUse.class) // used by jelly
    public static String decimal(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** For the page: the share of failed changes caught when gating the riskiest {@code percent}% of changes. */
    @Restricted(NoExternalUse.class) // used by jelly
    public static String caught(Evaluation e, int percent) {
        return DeliveryReport.percent(e.caughtAt().get(percent));
    }

    /** For the page: a calibration bucket as "changes: predicted → observed", or a dash. */
    @Restricted(NoExternalUse.class) // used by jelly
    public static String bucket(Evaluation.Bucket b) {
        return b == null ? "–" : String.format(Locale.ROOT, "%,d: %.0f%% → %.0f%%", b.rows(), 100 * b.predicted(), 100 * b.observed());
    }

    /** For the page: a count with thousands separators. */
    @Restricted(NoExternalUse.class) // used by jelly
    public static String count(int n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** For the page: a day. */
    @Restricted(NoExternalUse.class) // used by jelly
    public static String day(Instant t) {
        return t == null ? "" : t.toString().substring(0, 10);
    }

    /** For the page: a rate. */
    @Restricted(NoExternalUse.class) // used by jelly
    public static String perDay(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
