package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.hudson.plugins.folder.Folder;
import hudson.model.Item;
import hudson.security.AuthorizationMatrixProperty;
import hudson.security.Permission;
import hudson.security.ProjectMatrixAuthorizationStrategy;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.htmlunit.Page;
import org.jenkinsci.plugins.matrixauth.PermissionEntry;
import org.jenkinsci.plugins.matrixauth.inheritance.InheritParentStrategy;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The dashboard with project-based matrix authorization: each user sees the records, readiness and
 * waiting promotions of the jobs they may read, decides only where they hold Approve on the job, and a
 * grant of Approve on a job or a folder opens the page.
 */
@WithJenkins
class DashboardVisibilityITest {
    private static final String PAGE = "riskgate-dashboard/";
    private static final String API = "riskgate-dashboard/api/json";
    private static final String CSV = "riskgate-dashboard/export";

    /** production waits for an approval, whatever the score. */
    private static final String POLICY = String.join("\n",
            "environments:",
            "  - name: production",
            "    rollback: {required: false}",
            "    requirePreviousEnvironment: false",
            "    autoApproveBelow: 0",
            "");

    private static String waitingPipeline() {
        return "node {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + "dir('app') { assessChange(baseline: 'base'); promote(to: 'production') { echo 'DEPLOYED' } }\n}";
    }

    private static AuthorizationMatrixProperty jobGrants(Map<Permission, List<String>> grants) {
        Map<Permission, Set<PermissionEntry>> entries = grants.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().stream().map(PermissionEntry::user).collect(Collectors.toSet())));
        return new AuthorizationMatrixProperty(entries, new InheritParentStrategy());
    }

    private static ChangeRecord record(String pipeline, String commit, Outcome outcome, int hoursAgo) {
        Instant finished = Instant.now().minus(Duration.ofHours(hoursAgo));
        return ChangeRecord.of(pipeline, "production", commit, finished.minus(Duration.ofHours(2)), finished.minus(Duration.ofMinutes(5)),
                finished, outcome, 20, "LOW");
    }

    private static JenkinsRule.WebClient as(JenkinsRule r, String user) throws Exception {
        return r.createWebClient().withThrowExceptionOnFailingStatusCode(false).login(user);
    }

    private static int status(JenkinsRule r, String user, String path) throws Exception {
        return as(r, user).goTo(path, null).getWebResponse().getStatusCode();
    }

    private static String text(JenkinsRule r, String user, String path) throws Exception {
        Page page = as(r, user).goTo(path, null);
        assertThat(page.getWebResponse().getStatusCode()).as(user + " on " + path).isEqualTo(200);
        return page.getWebResponse().getContentAsString();
    }

    private static JSONObject report(JenkinsRule r, String user, String query) throws Exception {
        return JSONObject.fromObject(text(r, user, API + query)).getJSONObject("report");
    }

    private static List<String> readiness(JSONObject report) {
        List<String> pipelines = new ArrayList<>();
        JSONArray rows = report.getJSONArray("readiness");
        for (int i = 0; i < rows.size(); i++) {
            pipelines.add(rows.getJSONObject(i).getString("pipeline"));
        }
        return pipelines;
    }

    /** The pipelines of the CSV export's rows (the column named pipeline). */
    private static List<String> exported(JenkinsRule r, String user, String query) throws Exception {
        List<String> lines = text(r, user, CSV + query).lines().toList();
        int column = List.of(lines.get(0).split(",")).indexOf("pipeline");
        assertThat(column).as("the export's pipeline column").isNotNegative();
        return lines.stream().skip(1).map(l -> l.split(",")[column]).toList();
    }

    @Test
    void eachUserSeesTheJobsTheyMayReadAndDecidesWhereTheyMayApprove(JenkinsRule r) throws Exception {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        ProjectMatrixAuthorizationStrategy matrix = new ProjectMatrixAuthorizationStrategy();
        matrix.add(Jenkins.ADMINISTER, PermissionEntry.user("admin"));
        matrix.add(Jenkins.READ, PermissionEntry.group("authenticated"));
        // alice: Approve globally, but reads only shop
        matrix.add(RiskGatePermissions.APPROVE, PermissionEntry.user("alice"));
        r.jenkins.setAuthorizationStrategy(matrix);
        RiskGateConfiguration.get().setPolicy(POLICY);

        // team-a: rm-a reads and approves everything in the folder
        Folder teamA = r.jenkins.createProject(Folder.class, "team-a");
        teamA.addProperty(new com.cloudbees.hudson.plugins.folder.properties.AuthorizationMatrixProperty(
                Map.of(Item.READ, Set.of("rm-a"), RiskGatePermissions.APPROVE, Set.of("rm-a"))));
        WorkflowJob web = teamA.createProject(WorkflowJob.class, "web");
        web.setDefinition(new CpsFlowDefinition(waitingPipeline(), true));
        // shop: rm-shop approves; rm-a, dev and alice only read
        WorkflowJob shop = r.createProject(WorkflowJob.class, "shop");
        shop.setDefinition(new CpsFlowDefinition(waitingPipeline(), true));
        shop.addProperty(jobGrants(Map.of(Item.READ, List.of("rm-shop", "rm-a", "dev", "alice"),
                RiskGatePermissions.APPROVE, List.of("rm-shop"))));
        // payroll: only the administrator reads it
        r.createProject(WorkflowJob.class, "payroll");

        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            store.saveAll(List.of(record("shop", "s1", Outcome.SUCCEEDED, 50), record("shop", "s2", Outcome.FAILED, 40),
                    record("team-a/web", "w1", Outcome.SUCCEEDED, 30),
                    record("payroll", "p1", Outcome.FAILED, 20), record("payroll", "p2", Outcome.FAILED, 10),
                    record("removed-job", "g1", Outcome.SUCCEEDED, 5)));
        }
        WorkflowRun webRun = web.scheduleBuild2(0).waitForStart();
        WorkflowRun shopRun = shop.scheduleBuild2(0).waitForStart();
        PromotionRecord webWaiting = PromoteStepITest.waiting(webRun);
        PromotionRecord shopWaiting = PromoteStepITest.waiting(shopRun);

        // who may not open the page: reading alone (dev), Overall/Read alone (mallory); the page, its API and export alike
        for (String user : List.of("dev", "mallory")) {
            for (String path : List.of(PAGE, API, CSV)) {
                assertThat(status(r, user, path)).as(user + " on " + path).isEqualTo(403);
            }
        }

        // rm-a: Approve on a folder opens the page; sees team-a/web and shop (read), never payroll; decides only in team-a
        String page = text(r, "rm-a", PAGE);
        assertThat(page).contains("team-a/web", "shop").doesNotContain("payroll", "removed-job");
        assertThat(page).contains(webRun.getUrl() + "riskgate/approve").doesNotContain(shopRun.getUrl() + "riskgate/approve");
        assertThat(page).as("shop's waiting promotion is listed, without buttons").contains(shopRun.getFullDisplayName());
        JSONObject rmA = report(r, "rm-a", "");
        assertThat(rmA.getInt("deployments")).as("DORA over the visible jobs only").isEqualTo(3);
        assertThat(rmA.getInt("failures")).isEqualTo(1);
        assertThat(readiness(rmA)).containsExactlyInAnyOrder("shop", "team-a/web");
        assertThat(exported(r, "rm-a", "")).containsExactlyInAnyOrder("shop", "shop", "team-a/web");
        assertThat(report(r, "rm-a", "?job=payroll").getInt("deployments")).as("a filter on a hidden job shows nothing").isZero();
        assertThat(exported(r, "rm-a", "?job=payroll")).isEmpty();

        // rm-shop: Approve on one job; sees shop only
        assertThat(text(r, "rm-shop", PAGE)).contains(shopRun.getUrl() + "riskgate/approve").doesNotContain("team-a/web", "payroll");
        assertThat(readiness(report(r, "rm-shop", ""))).containsExactly("shop");
        assertThat(exported(r, "rm-shop", "")).containsExactly("shop", "shop");

        // alice: Approve globally opens the page, but she sees only the job she may read
        assertThat(readiness(report(r, "alice", ""))).containsExactly("shop");
        assertThat(exported(r, "alice", "?outcome=FAILED")).containsExactly("shop");

        // the administrator sees every record, also of jobs that no longer exist
        JSONObject all = report(r, "admin", "");
        assertThat(all.getInt("deployments")).isEqualTo(6);
        assertThat(readiness(all)).containsExactlyInAnyOrder("shop", "team-a/web", "payroll", "removed-job");
        assertThat(text(r, "admin", PAGE)).contains(webRun.getUrl() + "riskgate/approve", shopRun.getUrl() + "riskgate/approve");

        // decisions: only with Approve on the job (read alone is 403; a job one cannot read is not found)
        assertThat(PromoteStepITest.post(r, "rm-a", shopRun, "approve", shopWaiting.getId(), true)).isEqualTo(403);
        assertThat(PromoteStepITest.post(r, "dev", shopRun, "reject", shopWaiting.getId(), true)).isEqualTo(403);
        assertThat(PromoteStepITest.post(r, "rm-shop", webRun, "approve", webWaiting.getId(), true)).isEqualTo(404);
        assertThat(PromoteStepITest.post(r, "rm-a", webRun, "approve", webWaiting.getId(), true)).isEqualTo(200);
        assertThat(PromoteStepITest.post(r, "rm-shop", shopRun, "reject", shopWaiting.getId(), true)).isEqualTo(200);
        r.assertBuildStatusSuccess(r.waitForCompletion(webRun));
        r.assertLogContains("DEPLOYED", webRun);
        r.waitForCompletion(shopRun);
        r.assertLogNotContains("DEPLOYED", shopRun);
    }
}
