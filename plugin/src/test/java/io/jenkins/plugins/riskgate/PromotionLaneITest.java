package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** One promotion of a job deploys to an environment at a time; a newer build supersedes an older one's waiting promotion. */
class PromotionLaneITest {
    static final String ALLOW = String.join("\n", "environments:", "  - name: dev",
            "  - name: production", "    rollback: {required: false}", "    requirePreviousEnvironment: false", "    autoApproveBelow: 101", "");
    static final String APPROVE = String.join("\n", "environments:", "  - name: dev",
            "  - name: production", "    rollback: {required: false}", "    requirePreviousEnvironment: false", "    autoApproveBelow: 0", "");

    /** Assess on the controller, then promote at the top level with the deployment in node {}: waits hold no executor. */
    static WorkflowJob job(JenkinsRule r, String name, String productionBody) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, name);
        job.setDefinition(new CpsFlowDefinition("node {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + "dir('app') { assessChange(baseline: 'base') }\n}\n"
                + "promote(to: 'production') { node { " + productionBody + " } }\n", true));
        return job;
    }

    static PromotionRecord production(WorkflowRun run, PromotionRecord.State state) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            PromotionAction action = run.getAction(PromotionAction.class);
            if (action != null) {
                for (PromotionRecord record : action.getRecords()) {
                    if (record.getState() == state) {
                        return record;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no promotion of " + run + " is " + state);
    }

    @Test
    @WithJenkins
    void twoBuildsRacingForOneEnvironmentDeployOneAfterTheOther(JenkinsRule r, @TempDir File dir) throws Exception {
        RiskGateConfiguration.get().setPolicy(ALLOW);
        r.jenkins.setNumExecutors(4);
        File order = new File(dir, "order.txt");
        File go = new File(dir, "go");
        // each deployment runs until the test lets it finish
        String body = "sh 'echo START-$BUILD_NUMBER >> " + order + "; while [ ! -f " + go + " ]; do sleep 1; done; sleep 2; echo END-$BUILD_NUMBER >> "
                + order + "'";
        WorkflowJob job = job(r, "race", body);
        WorkflowRun first = job.scheduleBuild2(0).waitForStart();
        r.waitForMessage("START-1", first);
        WorkflowRun second = job.scheduleBuild2(0).waitForStart();
        r.waitForMessage("waiting for its turn in production", second);
        PromotionRecord queued = production(second, PromotionRecord.State.QUEUED);
        assertThat(queued.getQueuedBehind()).isEqualTo(1);
        assertThat(JenkinsRule.getLog(second)).contains("#1 of this job deploys there now");
        assertThat(r.jenkins.toComputer().countBusy()).as("only the deploying build holds an executor").isEqualTo(1);
        assertThat(ApprovalWaitITest.paused(second)).as("the queued promotion shows as paused").isTrue();
        assertThat(r.createWebClient().getPage(second, "riskgate/").asNormalizedText())
                .contains("Waiting for its turn: build #1 of this job deploys to production now.");
        assertThat(go.createNewFile()).isTrue();

        r.assertBuildStatusSuccess(r.waitForCompletion(first));
        r.assertBuildStatusSuccess(r.waitForCompletion(second));
        assertThat(Files.readAllLines(order.toPath(), StandardCharsets.UTF_8)).containsExactly("START-1", "END-1", "START-2", "END-2");
        assertThat(queued.getState()).isEqualTo(PromotionRecord.State.SUCCEEDED);
        assertThat(queued.getQueuedBehind()).isZero();
    }

    @Test
    @WithJenkins
    void aNewerBuildSupersedesAnOlderOneWaitingForApproval(JenkinsRule r) throws Exception {
        RiskGateConfiguration.get().setPolicy(APPROVE);
        r.jenkins.setNumExecutors(2);
        WorkflowJob job = job(r, "supersede", "echo \"DEPLOYED-${env.BUILD_NUMBER}\"");
        WorkflowRun older = job.scheduleBuild2(0).waitForStart();
        PromotionRecord waiting = PromoteStepITest.waiting(older);
        WorkflowRun newer = job.scheduleBuild2(0).waitForStart();
        r.assertBuildStatus(Result.NOT_BUILT, r.waitForCompletion(older));
        assertThat(waiting.getState()).isEqualTo(PromotionRecord.State.SUPERSEDED);
        assertThat(waiting.getSupersededBy()).isEqualTo(2);
        assertThat(waiting.getNote()).isEqualTo("SUPERSEDED by build #2, which promotes a newer change to production");
        r.assertLogContains("SUPERSEDED by build #2", older);
        r.assertLogNotContains("DEPLOYED-1", older);
        assertThat(PromoteStepITest.post(r, null, older, "approve", waiting.getId(), true)).as("too late").isEqualTo(409);

        PromotionRecord current = PromoteStepITest.waiting(newer);
        r.assertLogContains("the waiting promotions of builds #1 are SUPERSEDED", newer);
        assertThat(PromoteStepITest.post(r, null, newer, "approve", current.getId(), true)).isEqualTo(200);
        r.assertBuildStatusSuccess(r.waitForCompletion(newer));
        r.assertLogContains("DEPLOYED-2", newer);
    }

    @Test
    @WithJenkins
    void aQueuedPromotionIsSupersededByANewerBuildAndAnOlderBuildArrivingLateIsToo(JenkinsRule r, @TempDir File dir) throws Exception {
        RiskGateConfiguration.get().setPolicy(ALLOW);
        r.jenkins.setNumExecutors(4);
        File gate = new File(dir, "go");
        // build 1 deploys until the test lets it finish; build 2 queues behind it; build 3 supersedes build 2
        WorkflowJob job = job(r, "queue", "sh 'echo DEPLOYING-$BUILD_NUMBER; while [ ! -f " + gate + " ]; do sleep 1; done'");
        WorkflowRun first = job.scheduleBuild2(0).waitForStart();
        r.waitForMessage("DEPLOYING-1", first);
        WorkflowRun second = job.scheduleBuild2(0).waitForStart();
        r.waitForMessage("waiting for its turn in production", second);
        WorkflowRun third = job.scheduleBuild2(0).waitForStart();
        r.assertBuildStatus(Result.NOT_BUILT, r.waitForCompletion(second));
        r.assertLogContains("SUPERSEDED by build #3", second);
        r.waitForMessage("waiting for its turn in production", third);
        assertThat(gate.createNewFile()).isTrue();
        r.assertBuildStatusSuccess(r.waitForCompletion(first));
        r.assertBuildStatusSuccess(r.waitForCompletion(third));
        r.assertLogContains("DEPLOYING-3", third);
        r.assertLogNotContains("DEPLOYING-2", second);
        List<PromotionRecord.State> states = List.of(first.getAction(PromotionAction.class).getRecords().get(0).getState(),
                second.getAction(PromotionAction.class).getRecords().get(0).getState(),
                third.getAction(PromotionAction.class).getRecords().get(0).getState());
        assertThat(states).containsExactly(PromotionRecord.State.SUCCEEDED, PromotionRecord.State.SUPERSEDED, PromotionRecord.State.SUCCEEDED);
    }

    @Test
    @WithJenkins
    void aHolderWhoseBuildIsKilledFreesTheEnvironment(JenkinsRule r, @TempDir File dir) throws Exception {
        RiskGateConfiguration.get().setPolicy(ALLOW);
        r.jenkins.setNumExecutors(4);
        File never = new File(dir, "never");
        WorkflowJob job = job(r, "killed", "sh 'echo DEPLOYING-$BUILD_NUMBER; while [ ! -f " + never + " ]; do sleep 1; done'");
        WorkflowRun first = job.scheduleBuild2(0).waitForStart();
        r.waitForMessage("DEPLOYING-1", first);
        WorkflowRun second = job.scheduleBuild2(0).waitForStart();
        r.waitForMessage("waiting for its turn in production", second);
        first.doKill();   // a hard kill: no step of the first build gets to settle its promotion
        r.waitForCompletion(first);
        r.waitForMessage("DEPLOYING-2", second);
        assertThat(never.createNewFile()).isTrue();
        r.assertBuildStatusSuccess(r.waitForCompletion(second));
    }

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void theQueueIsRestoredAfterARestart(@TempDir File dir) throws Throwable {
        File go = new File(dir, "go");
        File order = new File(dir, "order.txt");
        sessions.then(r -> {
            RiskGateConfiguration.get().setPolicy(ALLOW);
            r.jenkins.setNumExecutors(4);
            WorkflowJob job = job(r, "restart", "sh 'echo START-$BUILD_NUMBER >> " + order + "; while [ ! -f " + go + " ]; do sleep 1; done; echo END-$BUILD_NUMBER >> "
                    + order + "'");
            WorkflowRun first = job.scheduleBuild2(0).waitForStart();
            r.waitForMessage("START-1", first);
            WorkflowRun second = job.scheduleBuild2(0).waitForStart();
            r.waitForMessage("waiting for its turn in production", second);
        });
        sessions.then(r -> {
            WorkflowJob job = r.jenkins.getItemByFullName("restart", WorkflowJob.class);
            WorkflowRun first = job.getBuildByNumber(1);
            WorkflowRun second = job.getBuildByNumber(2);
            Thread.sleep(PromoteStepExecution.TURN_POLL_SECONDS * 1000 + 3000);
            assertThat(JenkinsRule.getLog(second)).as("still waiting for build 1 after the restart").doesNotContain("START-2");
            assertThat(production(second, PromotionRecord.State.QUEUED).getQueuedBehind()).isEqualTo(1);
            assertThat(go.createNewFile()).isTrue();
            r.assertBuildStatusSuccess(r.waitForCompletion(first));
            r.assertBuildStatusSuccess(r.waitForCompletion(second));
            assertThat(Files.readAllLines(order.toPath(), StandardCharsets.UTF_8)).containsExactly("START-1", "END-1", "START-2", "END-2");
        });
    }
}
