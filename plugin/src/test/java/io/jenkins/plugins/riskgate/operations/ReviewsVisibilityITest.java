package io.jenkins.plugins.riskgate.operations;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Item;
import hudson.model.User;
import hudson.security.AuthorizationMatrixProperty;
import hudson.security.Permission;
import hudson.security.ProjectMatrixAuthorizationStrategy;
import io.jenkins.plugins.riskgate.ChangeRecords;
import io.jenkins.plugins.riskgate.RiskGatePermissions;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Outcome;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;
import jenkins.security.ApiTokenProperty;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.matrixauth.PermissionEntry;
import org.jenkinsci.plugins.matrixauth.inheritance.InheritParentStrategy;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The reviews page with project-based matrix authorization: each user sees the failures of the jobs
 * they may read, attaches reviews only where they hold Approve on the job, and every attach is a POST
 * with a crumb; the incident endpoint needs the global ReportIncident permission whatever the job.
 */
@WithJenkins
class ReviewsVisibilityITest {
    private static final Instant NOW = Instant.now();
    /** shop's failure, in an environment whose name is markup. */
    static final ChangeRecord SHOP = failure("shop", "<script>alert('env')</script>", "s1", 30);
    static final ChangeRecord WEB = failure("web", "production", "w1", 20);
    static final ChangeRecord PAYROLL = failure("payroll", "production", "p1", 10);

    JenkinsRule r;

    private static ChangeRecord failure(String pipeline, String environment, String commit, int hoursAgo) {
        Instant finished = NOW.minus(Duration.ofHours(hoursAgo));
        return ChangeRecord.of(pipeline, environment, commit, finished.minus(Duration.ofHours(2)), finished.minus(Duration.ofMinutes(5)),
                finished, Outcome.FAILED, 70, "HIGH");
    }

    private static AuthorizationMatrixProperty jobGrants(Map<Permission, List<String>> grants) {
        Map<Permission, Set<PermissionEntry>> entries = grants.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().stream().map(PermissionEntry::user).collect(Collectors.toSet())));
        return new AuthorizationMatrixProperty(entries, new InheritParentStrategy());
    }

    @BeforeEach
    void jobsAndGrants(JenkinsRule rule) throws Exception {
        r = rule;
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        ProjectMatrixAuthorizationStrategy matrix = new ProjectMatrixAuthorizationStrategy();
        matrix.add(Jenkins.ADMINISTER, PermissionEntry.user("admin"));
        matrix.add(Jenkins.READ, PermissionEntry.group("authenticated"));
        matrix.add(RiskGatePermissions.APPROVE, PermissionEntry.user("alice"));          // Approve globally, reads only shop
        matrix.add(RiskGatePermissions.REPORT_INCIDENT, PermissionEntry.user("monitoring"));
        r.jenkins.setAuthorizationStrategy(matrix);
        WorkflowJob shop = r.createProject(WorkflowJob.class, "shop");
        shop.addProperty(jobGrants(Map.of(Item.READ, List.of("alice", "rm-shop", "dev"), RiskGatePermissions.APPROVE, List.of("rm-shop"))));
        WorkflowJob web = r.createProject(WorkflowJob.class, "web");
        web.addProperty(jobGrants(Map.of(Item.READ, List.of("rm-shop"))));              // rm-shop reads web, may not approve there
        r.createProject(WorkflowJob.class, "payroll");                                     // only the administrator reads it
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            store.saveAll(List.of(SHOP, WEB, PAYROLL));
        }
    }

    private JenkinsRule.WebClient as(String user) throws Exception {
        return r.createWebClient().withThrowExceptionOnFailingStatusCode(false).login(user);
    }

    private String page(String user) throws Exception {
        Page page = as(user).goTo("riskgate-reviews/", null);
        assertThat(page.getWebResponse().getStatusCode()).as(user).isEqualTo(200);
        return page.getWebResponse().getContentAsString();
    }

    /** A POST of the review form with the session's crumb (or without). */
    private int attach(String user, String deployment, boolean crumb) throws Exception {
        JenkinsRule.WebClient wc = as(user);
        WebRequest request = new WebRequest(new URL(r.getURL(), "riskgate-reviews/attach"), HttpMethod.POST);
        request.setRequestParameters(List.of(new org.htmlunit.util.NameValuePair("deployment", deployment),
                new org.htmlunit.util.NameValuePair("url", "https://wiki.example.com/pir/" + user)));
        if (crumb) {
            wc.addCrumb(request);
        }
        return wc.getPage(request).getWebResponse().getStatusCode();
    }

    private boolean reviewed(ChangeRecord record) {
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            return store.incidents().review(record.id()).isPresent();
        }
    }

    @Test
    void aUserSeesAndReviewsOnlyTheFailuresOfJobsTheyMayRead() throws Exception {
        String alice = page("alice");
        assertThat(alice).contains(SHOP.id(), "<code>s1</code>").doesNotContain(PAYROLL.id(), "<code>p1</code>", "<code>w1</code>", "payroll");
        assertThat(attach("alice", PAYROLL.id(), true)).as("a job alice cannot read: as if it did not exist").isEqualTo(404);
        assertThat(attach("alice", WEB.id(), true)).isEqualTo(404);
        assertThat(attach("alice", "no-such-deployment", true)).isEqualTo(404);
        assertThat(reviewed(PAYROLL)).isFalse();
        assertThat(reviewed(WEB)).isFalse();

        // rm-shop reads shop and web, approves only in shop: the form only for shop, and web's review refused
        String rmShop = page("rm-shop");
        assertThat(rmShop).contains("name=\"review-" + SHOP.id() + "\"", "<code>w1</code>", "Attaching a review needs the Approve permission on this job")
                .doesNotContain("<code>p1</code>", "review-" + WEB.id());
        assertThat(attach("rm-shop", WEB.id(), true)).as("reads web, no Approve there").isEqualTo(403);
        assertThat(reviewed(WEB)).isFalse();
        assertThat(attach("rm-shop", PAYROLL.id(), true)).isEqualTo(404);

        // dev reads shop but approves nowhere: neither the page nor the form
        assertThat(as("dev").goTo("riskgate-reviews/", null).getWebResponse().getStatusCode()).isEqualTo(403);
        assertThat(attach("dev", SHOP.id(), true)).isEqualTo(403);
        assertThat(reviewed(SHOP)).isFalse();

        // the administrator sees every failure
        assertThat(page("admin")).contains("review-" + SHOP.id(), "review-" + WEB.id(), "review-" + PAYROLL.id());

        // alice attaches shop's review through the form
        HtmlPage form = as("alice").goTo("riskgate-reviews/");
        HtmlForm review = form.getFormByName("review-" + SHOP.id());
        review.getInputByName("url").setValue("https://wiki.example.com/pir/shop");
        HtmlPage after = r.submit(review);
        assertThat(after.getWebResponse().getContentAsString()).contains("No deployment waits for a post-incident review");
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            assertThat(store.incidents().review(SHOP.id()).orElseThrow().author()).isEqualTo("alice");
        }
        assertThat(page("admin")).doesNotContain("review-" + SHOP.id()).contains("review-" + WEB.id(), "review-" + PAYROLL.id());
    }

    @Test
    void namesFromTheRecordsAreEscapedAndTheDashboardAndTheReviewsPageLinkEachOther() throws Exception {
        String html = page("alice");
        assertThat(html).contains("&lt;script>alert('env')&lt;/script>").doesNotContain("<script>alert('env')</script>");
        assertThat(html).contains("id=\"riskgate-dashboard-link\"", "/riskgate-dashboard/");
        String dashboard = as("alice").goTo("riskgate-dashboard/", null).getWebResponse().getContentAsString();
        assertThat(dashboard).contains("id=\"riskgate-reviews-link\"", "/riskgate-reviews/");
    }

    @Test
    void attachingAReviewIsAPostWithACrumbAndBoundedInput() throws Exception {
        assertThat(attach("alice", SHOP.id(), false)).as("no crumb").isEqualTo(403);
        assertThat(reviewed(SHOP)).isFalse();
        JenkinsRule.WebClient alice = as("alice");
        assertThat(alice.goTo("riskgate-reviews/attach?deployment=" + SHOP.id() + "&url=https://wiki.example.com/pir/1", null)
                .getWebResponse().getStatusCode()).as("GET").isIn(404, 405);
        assertThat(reviewed(SHOP)).isFalse();
        assertThat(attach("alice", "x".repeat(ReviewsPage.MAX_FIELD + 1), true)).isEqualTo(400);
        assertThat(attach("alice", SHOP.id(), true)).isEqualTo(200);   // redirected back to the page
        assertThat(reviewed(SHOP)).isTrue();
    }

    @Test
    void reportingAnIncidentForAJobNeedsTheGlobalReportIncidentPermission() throws Exception {
        String body = "{\"id\":\"INC-1\",\"title\":\"shop down <img src=x onerror=alert(1)>\",\"pipeline\":\"shop\","
                + "\"environment\":\"production\",\"startedAt\":\"" + NOW.minusSeconds(60) + "\"}";
        assertThat(report("rm-shop", body)).as("Approve and Read on shop are not ReportIncident").isEqualTo(403);
        assertThat(report("alice", body)).as("global Approve is not ReportIncident").isEqualTo(403);
        assertThat(report("monitoring", body)).isEqualTo(200);
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            assertThat(store.incidents().find("INC-1")).isPresent();
        }
        assertThat(report("monitoring", "{\"id\":\"INC-2\",\"title\":\"payroll down\",\"pipeline\":\"payroll\",\"environment\":\"production\","
                + "\"startedAt\":\"" + NOW.minusSeconds(30) + "\"}")).isEqualTo(200);
        // the dashboard lists the incidents of the jobs the user may read, escaped
        String alice = as("alice").goTo("riskgate-dashboard/", null).getWebResponse().getContentAsString();
        assertThat(alice).contains("id=\"riskgate-incidents\"", "shop down &lt;img src=x onerror=alert(1)>").doesNotContain("payroll down", "<img src=x");
        String admin = as("admin").goTo("riskgate-dashboard/", null).getWebResponse().getContentAsString();
        assertThat(admin).contains("shop down", "payroll down");
    }

    private int report(String user, String body) throws Exception {
        String token = User.getById(user, true).getProperty(ApiTokenProperty.class).generateNewToken("test").plainValue;
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false).withBasicCredentials(user, token);
        WebRequest request = new WebRequest(new URL(r.getURL(), "riskgate-incidents/report"), HttpMethod.POST);
        request.setAdditionalHeader("Content-Type", "application/json");
        request.setRequestBody(body);
        request.setCharset(StandardCharsets.UTF_8);
        return wc.getPage(request).getWebResponse().getStatusCode();
    }
}
