package io.jenkins.plugins.riskgate.operations;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Item;
import hudson.model.User;
import io.jenkins.plugins.riskgate.ChangeRecords;
import io.jenkins.plugins.riskgate.RiskGatePermissions;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Incident;
import io.riskgate.records.Outcome;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import jenkins.model.Jenkins;
import jenkins.security.ApiTokenProperty;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class OperationsITest {
    static final Instant DEPLOYED = Instant.parse("2026-11-02T12:00:00Z");
    static final ChangeRecord LIVE = ChangeRecord.of("shop", "production", "a1b2c3d4e5f6", null, DEPLOYED.minusSeconds(600), DEPLOYED,
            Outcome.SUCCEEDED, 20, "LOW");
    /** A failure of shop in an environment whose name is markup. */
    static final ChangeRecord FAILED = ChangeRecord.of("shop", "<script>alert(1)</script>", "ffff0000aaaa", null,
            DEPLOYED.minusSeconds(7200), DEPLOYED.minusSeconds(6000), Outcome.FAILED, 70, "HIGH");

    JenkinsRule r;

    @BeforeEach
    void security(JenkinsRule rule) throws Exception {
        r = rule;
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ).everywhere().toAuthenticated()
                .grant(RiskGatePermissions.REPORT_INCIDENT).everywhere().to("monitoring")
                .grant(RiskGatePermissions.APPROVE).everywhere().to("manager"));
        r.createProject(org.jenkinsci.plugins.workflow.job.WorkflowJob.class, "shop");   // the reviews page lists the jobs one may read
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            store.saveAll(List.of(LIVE, FAILED));
        }
    }

    static String token(String user) throws Exception {
        return User.getById(user, true).getProperty(ApiTokenProperty.class).generateNewToken("test").plainValue;
    }

    /** A POST with an API token and no crumb; null user: anonymous. */
    int post(String user, String password, String path, String body) throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        if (user != null) {
            wc.withBasicCredentials(user, password);
        }
        WebRequest request = new WebRequest(new URL(r.getURL(), path), HttpMethod.POST);
        request.setAdditionalHeader("Content-Type", "application/json");
        request.setRequestBody(body);
        Page page = wc.getPage(request);
        last = page.getWebResponse().getContentAsString(StandardCharsets.UTF_8);
        return page.getWebResponse().getStatusCode();
    }

    String last;

    static String alertmanager(String status, String endsAt) {
        return "{\"version\":\"4\",\"status\":\"" + status + "\",\"receiver\":\"jenkins\",\"alerts\":[{\"status\":\"" + status + "\","
                + "\"labels\":{\"alertname\":\"HighErrorRate\",\"service\":\"shop\",\"env\":\"production\",\"severity\":\"critical\"},"
                + "\"annotations\":{\"summary\":\"5xx above 5%\"},\"startsAt\":\"2026-11-02T13:00:00Z\",\"endsAt\":\"" + endsAt + "\","
                + "\"fingerprint\":\"c0ffee\"}]}";
    }

    @Test
    void theIncidentEndpointTakesAlertmanagerPayloadsWithAnApiTokenOfAPermittedUser() throws Exception {
        String path = "riskgate-incidents/report";
        assertThat(post(null, null, path, alertmanager("firing", "0001-01-01T00:00:00Z"))).as("anonymous").isIn(401, 403);
        assertThat(post("developer", token("developer"), path, alertmanager("firing", "0001-01-01T00:00:00Z")))
                .as("no ReportIncident permission").isEqualTo(403);
        String token = token("monitoring");
        assertThat(post("monitoring", token, path, "{\"alerts\": [")).isEqualTo(400);
        assertThat(last).contains("the body is not JSON");
        assertThat(post("monitoring", token, path, "{\"x\":\"" + "a".repeat(IncidentEndpoint.MAX_BODY) + "\"}")).isEqualTo(413);

        assertThat(post("monitoring", token, path, alertmanager("firing", "0001-01-01T00:00:00Z"))).as(last).isEqualTo(200);
        assertThat(last).contains("\"change\":\"ADDED\"", "\"deployment\":\"" + LIVE.id() + "\"", "\"link\":\"LIVE\"");
        assertThat(post("monitoring", token, path, alertmanager("firing", "0001-01-01T00:00:00Z"))).isEqualTo(200);
        assertThat(last).as("Alertmanager repeats firing alerts").contains("\"change\":\"UNCHANGED\"");
        assertThat(post("monitoring", token, path, alertmanager("resolved", "2026-11-02T13:45:00Z"))).isEqualTo(200);
        assertThat(last).contains("\"change\":\"UPDATED\"", "\"open\":false");
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            Incident i = store.incidents().forDeployments(java.util.Set.of(LIVE.id())).get(LIVE.id()).get(0);
            assertThat(i.restoreSeconds()).isEqualTo(2700);
            assertThat(i.title()).isEqualTo("5xx above 5%");
        }
        // a plain JSON incident, and a browser session without a crumb is refused
        assertThat(post("monitoring", token, path, "{\"id\":\"INC-9\",\"title\":\"slow\",\"pipeline\":\"shop\",\"environment\":\"production\","
                + "\"startedAt\":\"2026-11-02T14:00:00Z\"}")).isEqualTo(200);
        JenkinsRule.WebClient session = r.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("monitoring");
        WebRequest noCrumb = new WebRequest(new URL(r.getURL(), path), HttpMethod.POST);
        noCrumb.setRequestBody("{\"id\":\"INC-10\",\"pipeline\":\"shop\",\"environment\":\"production\",\"startedAt\":\"2026-11-02T14:00:00Z\"}");
        assertThat(session.getPage(noCrumb).getWebResponse().getStatusCode()).isEqualTo(403);
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            assertThat(store.incidents().find("INC-9")).isPresent();
            assertThat(store.incidents().find("INC-10")).isEmpty();
        }
    }

    @Test
    void theReviewFormListsFailuresEscapedAndAttachesAReviewForReleaseManagersWithACrumb() throws Exception {
        JenkinsRule.WebClient developer = r.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("developer");
        assertThat(developer.goTo("riskgate-reviews/").getWebResponse().getStatusCode()).isEqualTo(403);
        WebRequest forged = new WebRequest(new URL(r.getURL(), "riskgate-reviews/attach?deployment=" + FAILED.id()
                + "&url=https://wiki.example.com/pir/1"), HttpMethod.POST);
        developer.addCrumb(forged);
        assertThat(developer.getPage(forged).getWebResponse().getStatusCode()).as("no Approve permission").isEqualTo(403);

        JenkinsRule.WebClient manager = r.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("manager");
        WebRequest noCrumb = new WebRequest(new URL(r.getURL(), "riskgate-reviews/attach?deployment=" + FAILED.id()
                + "&url=https://wiki.example.com/pir/1"), HttpMethod.POST);
        assertThat(manager.getPage(noCrumb).getWebResponse().getStatusCode()).as("no crumb").isEqualTo(403);

        HtmlPage page = manager.goTo("riskgate-reviews/");
        String html = page.getWebResponse().getContentAsString();
        assertThat(html).contains("&lt;script>alert(1)&lt;/script>", "FAILED").doesNotContain("<script>alert(1)</script>");
        HtmlForm form = page.getFormByName("review-" + FAILED.id());
        form.getInputByName("url").setValue("https://wiki.example.com/pir/1");
        form.getInputByName("summary").setValue("retry storm <b>bold</b>");
        HtmlPage after = r.submit(form);
        assertThat(after.getWebResponse().getContentAsString()).contains("No deployment waits for a post-incident review");
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            assertThat(store.incidents().review(FAILED.id()).orElseThrow().author()).isEqualTo("manager");
            assertThat(store.find(FAILED.id()).orElseThrow().pirUrl()).isEqualTo("https://wiki.example.com/pir/1");
        }
        WebRequest badUrl = new WebRequest(new URL(r.getURL(), "riskgate-reviews/attach?deployment=" + FAILED.id()
                + "&url=javascript:alert(1)"), HttpMethod.POST);
        manager.addCrumb(badUrl);
        assertThat(manager.getPage(badUrl).getWebResponse().getStatusCode()).isEqualTo(400);
    }

    @Test
    void deploymentsIncidentsAndDeliveryMeasuresAreInTheMetricsRegistry() throws Exception {
        Telemetry.deployment(LIVE);
        Telemetry.deployment(ChangeRecord.of("shop", "production", "bbbb", null, DEPLOYED, DEPLOYED.plusSeconds(90), Outcome.ROLLED_BACK, 1, "LOW"));
        Telemetry.gateDecision("production", "NEEDS_APPROVAL");
        Telemetry.approvalWait("production", 60_000);
        var registry = MetricsBridge.registry();
        assertThat(registry.counter("riskgate.deployments.production.succeeded").getCount()).isEqualTo(1);
        assertThat(registry.counter("riskgate.deployments.production.rolled_back").getCount()).isEqualTo(1);
        assertThat(registry.counter("riskgate.rollbacks.production").getCount()).isEqualTo(1);
        assertThat(registry.counter("riskgate.gate.decisions.production.needs_approval").getCount()).isEqualTo(1);
        assertThat(registry.timer("riskgate.deployment.duration.production").getCount()).isEqualTo(2);
        assertThat(registry.timer("riskgate.approval.wait.production").getSnapshot().getMax()).isEqualTo(60_000_000_000L);

        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            store.saveAll(List.of(ChangeRecord.of("shop", "production", "cccc", Instant.now().minusSeconds(7200), Instant.now().minusSeconds(3700),
                    Instant.now().minusSeconds(3600), Outcome.SUCCEEDED, 10, "LOW"), ChangeRecord.of("shop", "production", "dddd", null,
                    Instant.now().minusSeconds(1800), Instant.now().minusSeconds(1700), Outcome.FAILED, 10, "LOW")));
        }
        DeliveryGauges.refresh();
        assertThat(MetricsBridge.gauges()).containsKeys("riskgate.promotions.waiting", "riskgate.dora.production.change_failure_ratio",
                "riskgate.dora.production.awaiting_review", "riskgate.dora.production.incident_change_failure_ratio");
        assertThat(((Number) MetricsBridge.gauges().get("riskgate.dora.production.change_failure_ratio").getValue()).doubleValue())
                .as("production: LIVE and cccc succeeded, dddd failed").isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(((Number) MetricsBridge.gauges().get("riskgate.dora.production.lead_time_median_seconds").getValue()).doubleValue())
                .isEqualTo(3600.0);
        assertThat(((Number) MetricsBridge.gauges().get("riskgate.promotions.waiting").getValue()).intValue()).isZero();
        assertThat(((Number) MetricsBridge.gauges().get("riskgate.dora.production.awaiting_review").getValue()).longValue())
                .as("dddd failed without a review").isEqualTo(1);
    }
}
