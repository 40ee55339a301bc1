package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Item;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Promotions that wait without a node, count approvals against a quorum, settle once and expire. */
class ApprovalWaitITest {
    /** Production needs two approvers, one of them from each rule, and waits at most {@code timeout}. */
    static String policy(String timeout) {
        return String.join("\n",
                "environments:",
                "  - name: dev",
                "  - name: production",
                "    rollback: {required: false}",
                "    requirePreviousEnvironment: false",
                "    autoApproveBelow: 0",
                timeout == null ? "" : "    approvalTimeout: " + timeout,
                "    approvers:",
                "      required: 2",
                "      rules:",
                "        - {name: release, users: [alice, erin], required: 1}",
                "        - {name: operations, users: [bob], required: 1}",
                "");
    }

    /** Build and assess on an agent, then promote at the top level with the deployment in node {}. */
    static WorkflowJob topLevelJob(JenkinsRule r, String productionBody) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, "top-level");
        job.setDefinition(new CpsFlowDefinition("node('deploy') {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + "dir('app') {\n"
                + "  assessChange(baseline: 'base')\n"
                + "  declareRollback(environment: 'production', command: 'echo ROLLBACK-RAN-ON-$NODE_NAME > rolled-back.txt')\n"
                + "}\n}\n"
                + "promote(to: 'dev') { node('deploy') { echo 'deploy dev' } }\n"
                + "promote(to: 'production') { node('deploy') { " + productionBody + " } }\n", true));
        return job;
    }

    static void security(JenkinsRule r) {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ, Item.BUILD).everywhere().toAuthenticated()
                .grant(RiskGatePermissions.APPROVE).everywhere().to("alice", "bob", "erin", "zed"));
    }

    static DumbSlave agent(JenkinsRule r) throws Exception {
        r.jenkins.setNumExecutors(0);   // nothing runs on the controller: waits must hold no executor
        return r.createOnlineSlave(r.jenkins.getLabel("deploy"));
    }

    @Test
    @WithJenkins
    void twoApproversFromTwoRulesReleaseATopLevelPromotionThatHeldNoExecutor(JenkinsRule r) throws Exception {
        security(r);
        RiskGateConfiguration.get().setPolicy(policy(null));
        DumbSlave agent = agent(r);
        WorkflowRun run = topLevelJob(r, "echo 'DEPLOYED'").scheduleBuild2(0).waitForStart();
        PromotionRecord record = PromoteStepITest.waiting(run);
        assertThat(agent.toComputer().countBusy()).as("waiting holds no executor").isZero();
        assertThat(paused(run)).as("Pipeline views show the promotion paused, as for input").isTrue();
        assertThat(record.getApprovals()).contains("still missing: 2 more approvals");

        assertThat(PromoteStepITest.post(r, "zed", run, "approve", record.getId(), true)).as("outside the rules").isEqualTo(403);
        assertThat(PromoteStepITest.post(r, "alice", run, "approve", record.getId(), true)).isEqualTo(200);
        assertThat(record.isWaiting()).isTrue();
        assertThat(record.getApprovals()).contains("approved by alice (release)").contains("1 from operations");
        assertThat(PromoteStepITest.post(r, "erin", run, "approve", record.getId(), true)).isEqualTo(200);
        assertThat(record.isWaiting()).as("two from one rule are not enough").isTrue();
        assertThat(PromoteStepITest.post(r, "bob", run, "approve", record.getId(), true)).isEqualTo(200);

        r.assertBuildStatusSuccess(r.waitForCompletion(run));
        assertThat(paused(run)).isFalse();
        r.assertLogContains("approved by alice (release), erin (release), bob (operations)", run);
        r.assertLogContains("DEPLOYED", run);
        assertThat(record.getSettledBy()).isEqualTo("bob");
        assertThat(record.getDecisions()).extracting(PromotionRecord.Decision::getUser).containsExactly("alice", "erin", "bob");
    }

    /** Whether a node of the running build carries an open pause (the marker pipeline-input-step uses). */
    static boolean paused(WorkflowRun run) {
        for (org.jenkinsci.plugins.workflow.graph.FlowNode n : new org.jenkinsci.plugins.workflow.graph.FlowGraphWalker(run.getExecution())) {
            if (org.jenkinsci.plugins.workflow.support.actions.PauseAction.isPaused(n)) {
                return true;
            }
        }
        return false;
    }

    @Test
    @WithJenkins
    void aTimeoutAroundAWaitingPromotionAbortsItAndRecordsIt(JenkinsRule r) throws Exception {
        RiskGateConfiguration.get().setPolicy(policy(null));
        agent(r);
        WorkflowJob job = r.createProject(WorkflowJob.class, "timeout");
        job.setDefinition(new CpsFlowDefinition("node('deploy') {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + "dir('app') { assessChange(baseline: 'base') }\n}\n"
                + "timeout(time: 5, unit: 'SECONDS') { promote(to: 'production') { echo 'NEVER' } }\n", true));
        WorkflowRun run = r.buildAndAssertStatus(Result.ABORTED, job);
        r.assertLogContains("Timeout has been exceeded", run);
        r.assertLogNotContains("NEVER", run);
        assertThat(paused(run)).isFalse();
        assertThat(run.getAction(PromotionAction.class).getRecords()).singleElement().satisfies(p -> {
            assertThat(p.getState()).isEqualTo(PromotionRecord.State.ABORTED);
            assertThat(p.getNote()).isEqualTo("aborted while waiting for approval");
        });
    }

    @Test
    @WithJenkins
    void concurrentApprovalsSettleThePromotionOnceAndTheOthersGet409(JenkinsRule r) throws Exception {
        security(r);
        RiskGateConfiguration.get().setPolicy(policy(null));
        agent(r);
        WorkflowRun run = topLevelJob(r, "echo 'DEPLOYED-ONCE'").scheduleBuild2(0).waitForStart();
        PromotionRecord record = PromoteStepITest.waiting(run);
        assertThat(PromoteStepITest.post(r, "alice", run, "approve", record.getId(), true)).isEqualTo(200);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Callable<Integer> bob = () -> PromoteStepITest.post(r, "bob", run, "approve", record.getId(), true);
            answers.add(pool.submit(bob));
        }
        List<Integer> codes = new ArrayList<>();
        for (Future<Integer> f : answers) {
            codes.add(f.get());
        }
        pool.shutdown();
        assertThat(codes).filteredOn(c -> c == 200).hasSize(1);
        assertThat(codes).filteredOn(c -> c == 409).hasSize(5);
        r.assertBuildStatusSuccess(r.waitForCompletion(run));
        assertThat(JenkinsRule.getLog(run).split("DEPLOYED-ONCE\n", -1)).as("the body ran once").hasSize(2);
        assertThat(record.getDecisions()).extracting(PromotionRecord.Decision::getUser).containsExactly("alice", "bob");
    }

    @Test
    @WithJenkins
    void anUnansweredPromotionExpires(JenkinsRule r) throws Exception {
        security(r);
        RiskGateConfiguration.get().setPolicy(policy("45s"));
        agent(r);
        WorkflowRun run = topLevelJob(r, "echo 'NEVER'").scheduleBuild2(0).waitForStart();
        PromotionRecord record = PromoteStepITest.waiting(run);
        assertThat(PromoteStepITest.post(r, "alice", run, "approve", record.getId(), true)).isEqualTo(200);
        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(run));
        assertThat(record.getState()).isEqualTo(PromotionRecord.State.EXPIRED);
        assertThat(record.getNote()).startsWith("no decision within the approval timeout of 45s in production; approved by alice (release)");
        r.assertLogContains("promotion to production EXPIRED", run);
        r.assertLogNotContains("NEVER", run);
        assertThat(PromoteStepITest.post(r, "bob", run, "approve", record.getId(), true)).isEqualTo(409);
    }

    @Test
    @WithJenkins
    void aFailedDeploymentOutsideNodeRollsBackOnTheAgentWhereItWasDeclared(JenkinsRule r) throws Exception {
        RiskGateConfiguration.get().setPolicy(String.join("\n", "environments:", "  - name: dev",
                "  - name: production", "    requirePreviousEnvironment: false", "    autoApproveBelow: 101", ""));
        DumbSlave agent = agent(r);
        WorkflowJob job = topLevelJob(r, "sh 'exit 3'");
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);
        r.assertLogContains("running the rollback on node " + agent.getNodeName(), run);
        r.assertLogContains("promotion to production ROLLED_BACK", run);
        assertThat(agent.getWorkspaceFor(job).child("app/rolled-back.txt").readToString().strip())
                .isEqualTo("ROLLBACK-RAN-ON-" + agent.getNodeName());
    }

    @Test
    @WithJenkins
    void waitForSoakWaitsWithoutAnExecutorAndThenDeploys(JenkinsRule r) throws Exception {
        RiskGateConfiguration.get().setPolicy(String.join("\n", "environments:", "  - name: dev",
                "  - name: production", "    rollback: {required: false}", "    minSoak: 8s", "    waitForSoak: true",
                "    autoApproveBelow: 101", ""));
        DumbSlave agent = agent(r);
        WorkflowRun run = topLevelJob(r, "echo 'DEPLOYED-AFTER-SOAK'").scheduleBuild2(0).waitForStart();
        r.waitForMessage("for the soak time of production, then the gate is evaluated again", run);
        assertThat(agent.toComputer().countBusy()).as("soaking holds no executor").isZero();
        assertThat(JenkinsRule.getLog(run)).doesNotContain("DEPLOYED-AFTER-SOAK");
        r.assertBuildStatusSuccess(r.waitForCompletion(run));
        r.assertLogContains("has run in dev for", run);
        r.assertLogContains("DEPLOYED-AFTER-SOAK", run);
        assertThat(run.getAction(PromotionAction.class).getRecords()).extracting(PromotionRecord::getState)
                .containsExactly(PromotionRecord.State.SUCCEEDED, PromotionRecord.State.SUCCEEDED);
    }

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void theApprovalTimeoutHoldsAcrossARestart() throws Throwable {
        sessions.then(r -> {
            RiskGateConfiguration.get().setPolicy(policy("20s"));
            agent(r);
            WorkflowRun run = topLevelJob(r, "echo 'NEVER'").scheduleBuild2(0).waitForStart();
            PromoteStepITest.waiting(run);
        });
        sessions.then(r -> {
            WorkflowRun run = r.jenkins.getItemByFullName("top-level", WorkflowJob.class).getBuildByNumber(1);
            r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(run));
            PromotionRecord production = run.getAction(PromotionAction.class).getRecords().get(1);
            assertThat(production.getState()).isEqualTo(PromotionRecord.State.EXPIRED);
            r.assertLogContains("Promotion expired: no decision within the approval timeout of 20s", run);
        });
    }
}
