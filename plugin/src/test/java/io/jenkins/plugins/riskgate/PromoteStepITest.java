package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Item;
import hudson.model.Result;
import hudson.model.User;
import hudson.tasks.Mailer;
import java.net.URL;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

class PromoteStepITest {
    /** Builds of a job that promotes a destructive change to production: it waits for approval. */
    static WorkflowJob approvalJob(JenkinsRule r) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, "approval");
        job.setDefinition(new CpsFlowDefinition("node {\n" + PipelineFixtures.repository(PipelineFixtures.DROP_COLUMN)
                + PipelineFixtures.promoteToProduction("echo 'deploy production'") + "}", true));
        return job;
    }

    static void security(JenkinsRule r) {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ, Item.BUILD).everywhere().toAuthenticated()
                .grant(RiskGatePermissions.APPROVE).everywhere().to("manager", "dev"));
    }

    static PromotionRecord waiting(WorkflowRun run) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            PromotionAction action = run.getAction(PromotionAction.class);
            if (action != null) {
                for (PromotionRecord record : action.getRecords()) {
                    if (record.isWaiting()) {
                        return record;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no promotion waits for approval in " + run);
    }

    static int post(JenkinsRule r, String user, WorkflowRun run, String action, String id, boolean crumb) throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        if (user != null) {
            wc.login(user);
        }
        WebRequest request = new WebRequest(new URL(r.getURL(), run.getUrl() + "riskgate/" + action + "?id=" + id + "&comment=looks+good"), HttpMethod.POST);
        if (crumb) {
            wc.addCrumb(request);
        }
        Page page = wc.getPage(request);
        return page.getWebResponse().getStatusCode();
    }

    @Test
    @WithJenkins
    void aSmallChangeIsPromotedThroughEveryGate(JenkinsRule r) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, "clean");
        job.setDefinition(new CpsFlowDefinition("node {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + PipelineFixtures.promoteToProduction("echo 'deploy production'") + "}", true));
        WorkflowRun run = r.buildAndAssertSuccess(job);
        r.assertLogContains("ALLOW promotion to production: all 9 rules passed", run);
        r.assertLogContains("deploy production", run);
        List<PromotionRecord> records = run.getAction(PromotionAction.class).getRecords();
        assertThat(records).extracting(PromotionRecord::getEnvironment).containsExactly("dev", "staging", "production");
        assertThat(records).extracting(PromotionRecord::getState).containsOnly(PromotionRecord.State.SUCCEEDED);
    }

    @Test
    @WithJenkins
    void aBlockedPromotionFailsWithEveryReason(JenkinsRule r) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, "blocked");
        job.setDefinition(new CpsFlowDefinition("node {\n" + PipelineFixtures.repository(PipelineFixtures.DROP_COLUMN)
                + "dir('app') { assessChange(baseline: 'base'); promote(to: 'production') { echo 'NEVER' } }\n}", true));
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);
        r.assertLogContains("BLOCK promotion to production", run);
        r.assertLogContains("no rollback declared for production", run);
        r.assertLogContains("staging has not taken", run);
        r.assertLogNotContains("NEVER", run);
        assertThat(run.getAction(PromotionAction.class).getRecords()).singleElement()
                .satisfies(p -> assertThat(p.getState()).isEqualTo(PromotionRecord.State.BLOCKED));
    }

    @Test
    @WithJenkins
    void aPermittedReleaseManagerApprovesOnPostWithCrumb(JenkinsRule r) throws Exception {
        security(r);
        WorkflowRun run = approvalJob(r).scheduleBuild2(0).waitForStart();
        PromotionRecord record = waiting(run);
        assertThat(record.getEnvironment()).isEqualTo("production");
        assertThat(record.getGateOutcome()).isEqualTo("NEEDS_APPROVAL");

        assertThat(post(r, "mallory", run, "approve", record.getId(), true)).as("no Approve permission").isEqualTo(403);
        assertThat(post(r, "manager", run, "approve", record.getId(), false)).as("no crumb").isEqualTo(403);
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("manager");
        assertThat(wc.goTo(run.getUrl() + "riskgate/approve?id=" + record.getId(), null).getWebResponse().getStatusCode())
                .as("GET is refused").isEqualTo(405);
        assertThat(record.isWaiting()).isTrue();

        assertThat(post(r, "manager", run, "approve", record.getId(), true)).isEqualTo(200);
        r.assertBuildStatusSuccess(r.waitForCompletion(run));
        r.assertLogContains("approved by manager: looks good", run);
        assertThat(record.getDecisions()).singleElement().satisfies(d -> {
            assertThat(d.getUser()).isEqualTo("manager");
            assertThat(d.isApproved()).isTrue();
            assertThat(d.getComment()).isEqualTo("looks good");
        });
        assertThat(record.getState()).isEqualTo(PromotionRecord.State.SUCCEEDED);
    }

    @Test
    @WithJenkins
    void theAuthorOfTheChangeMayNotApproveItButMayReject(JenkinsRule r) throws Exception {
        security(r);
        User.getById("dev", true).addProperty(new Mailer.UserProperty("dev@example.com"));
        WorkflowRun run = approvalJob(r).scheduleBuild2(0).waitForStart();
        PromotionRecord record = waiting(run);
        assertThat(post(r, "dev", run, "approve", record.getId(), true)).isEqualTo(403);
        assertThat(record.isWaiting()).isTrue();
        assertThat(post(r, "dev", run, "reject", record.getId(), true)).as("an author may stop their own change").isEqualTo(200);
        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(run));
        assertThat(record.getState()).isEqualTo(PromotionRecord.State.REJECTED);
        r.assertLogNotContains("deploy production", run);
    }

    @Test
    @WithJenkins
    void aFailedDeploymentRunsTheDeclaredRollback(JenkinsRule r) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, "rollback");
        job.setDefinition(new CpsFlowDefinition("node {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + PipelineFixtures.promoteToProduction("sh 'exit 3'") + "}", true));
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);
        r.assertLogContains("running the declared rollback: echo ROLLBACK-RAN > rolled-back.txt", run);
        r.assertLogContains("promotion to production ROLLED_BACK", run);
        assertThat(r.jenkins.getWorkspaceFor(job).child("app/rolled-back.txt").readToString()).contains("ROLLBACK-RAN");
        List<PromotionRecord> records = run.getAction(PromotionAction.class).getRecords();
        assertThat(records).extracting(PromotionRecord::getEnvironment).containsExactly("dev", "staging", "production");
        PromotionRecord production = records.get(2);
        assertThat(production.getState()).isEqualTo(PromotionRecord.State.ROLLED_BACK);
        assertThat(production.getRollbackCommand()).isEqualTo("echo ROLLBACK-RAN > rolled-back.txt");
    }

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void aWaitingPromotionSurvivesARestart() throws Throwable {
        String[] id = new String[1];
        sessions.then(r -> {
            WorkflowRun run = approvalJob(r).scheduleBuild2(0).waitForStart();
            id[0] = waiting(run).getId();
        });
        sessions.then(r -> {
            WorkflowRun run = r.jenkins.getItemByFullName("approval", WorkflowJob.class).getBuildByNumber(1);
            PromotionRecord record = run.getAction(PromotionAction.class).get(id[0]);
            assertThat(record.isWaiting()).isTrue();
            assertThat(post(r, null, run, "approve", id[0], true)).isEqualTo(200);
            r.assertBuildStatusSuccess(r.waitForCompletion(run));
            r.assertLogContains("deploy production", run);
        });
    }

}
