package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import java.io.File;
import java.nio.file.Files;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The rollback can be stopped, and a restart during the deployment or the rollback ends in a recorded outcome. */
class RollbackITest {
    static final String POLICY = String.join("\n", "environments:", "  - name: dev",
            "  - name: production", "    requirePreviousEnvironment: false", "    autoApproveBelow: 101", "");

    /** A deployment that fails, with {@code rollback} declared, all in node {} on the controller. */
    static WorkflowJob job(JenkinsRule r, String body, String rollback) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, "rollback");
        job.setDefinition(new CpsFlowDefinition("node {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + "dir('app') {\n"
                + "  assessChange(baseline: 'base')\n"
                + "  declareRollback(environment: 'production', command: '" + rollback + "')\n"
                + "  promote(to: 'production') { " + body + " }\n"
                + "}\n}\n", true));
        return job;
    }

    @Test
    @WithJenkins
    void anAbortDuringTheRollbackStopsIt(JenkinsRule r, @TempDir File dir) throws Exception {
        RiskGateConfiguration.get().setPolicy(POLICY);
        File done = new File(dir, "done");
        WorkflowJob job = job(r, "sh \"exit 3\"", "echo ROLLBACK-STARTED; sleep 8 && echo finished > " + done);
        WorkflowRun run = job.scheduleBuild2(0).waitForStart();
        r.waitForMessage("ROLLBACK-STARTED", run);
        PromotionRecord production = PromotionLaneITest.production(run, PromotionRecord.State.ROLLING_BACK);
        long aborted = System.currentTimeMillis();
        run.doStop();
        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(run));
        assertThat(System.currentTimeMillis() - aborted).as("the abort does not wait for the rollback").isLessThan(7000);
        assertThat(production.getState()).isEqualTo(PromotionRecord.State.ABORTED);
        assertThat(production.getNote()).startsWith("aborted during the rollback 'echo ROLLBACK-STARTED;");
        r.assertLogContains("promotion to production ABORTED: aborted during the rollback", run);
        r.assertLogNotContains("InterruptedException", run);
        Thread.sleep(10_000);
        assertThat(done).as("the rollback's process was stopped").doesNotExist();
    }

    @Test
    @WithJenkins
    void aStopDuringTheDeploymentStopsEverythingAndTheRollbackDoesNotStart(JenkinsRule r, @TempDir File dir) throws Exception {
        RiskGateConfiguration.get().setPolicy(POLICY);
        File ran = new File(dir, "ran");
        WorkflowJob job = job(r, "sh \"echo DEPLOYING; sleep 60\"", "echo rolled-back > " + ran);
        WorkflowRun run = job.scheduleBuild2(0).waitForStart();
        r.waitForMessage("+ echo DEPLOYING", run);
        run.doStop();
        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(run));
        PromotionRecord production = run.getAction(PromotionAction.class).getRecords().get(0);
        assertThat(production.getState()).isEqualTo(PromotionRecord.State.ABORTED);
        assertThat(production.getNote()).startsWith("the build was stopped during the deployment: the rollback 'echo rolled-back");
        assertThat(ran).doesNotExist();
    }

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void aRestartDuringTheRollbackRunsItAgainAndRecordsTheOutcome(@TempDir File dir) throws Throwable {
        File runs = new File(dir, "runs");
        File restarted = new File(dir, "restarted");
        // the first run is cut by the restart (it waits until the test says the controller restarted); the second finishes
        String rollback = "echo ROLLBACK-STARTED; echo run >> " + runs + "; while [ ! -f " + restarted + " ]; do sleep 1; done; sleep 1";
        sessions.then(r -> {
            RiskGateConfiguration.get().setPolicy(POLICY);
            WorkflowRun run = job(r, "sh \"exit 3\"", rollback).scheduleBuild2(0).waitForStart();
            r.waitForMessage("ROLLBACK-STARTED", run);
            PromotionLaneITest.production(run, PromotionRecord.State.ROLLING_BACK);
        });
        assertThat(restarted.createNewFile()).isTrue();
        sessions.then(r -> {
            WorkflowRun run = r.jenkins.getItemByFullName("rollback", WorkflowJob.class).getBuildByNumber(1);
            r.assertBuildStatus(Result.FAILURE, r.waitForCompletion(run));
            r.assertLogContains("the controller restarted during the rollback of production: running 'echo ROLLBACK-STARTED;", run);
            r.assertLogContains("promotion to production ROLLED_BACK", run);
            PromotionRecord production = run.getAction(PromotionAction.class).getRecords().get(0);
            assertThat(production.getState()).isEqualTo(PromotionRecord.State.ROLLED_BACK);
            assertThat(Files.readAllLines(runs.toPath())).hasSizeGreaterThanOrEqualTo(2);
        });
    }

    @Test
    void aRestartDuringTheDeploymentStillRollsItBack(@TempDir File dir) throws Throwable {
        File restarted = new File(dir, "restarted");
        sessions.then(r -> {
            RiskGateConfiguration.get().setPolicy(POLICY);
            WorkflowRun run = job(r, "sh \"echo DEPLOYING; while [ ! -f " + restarted + " ]; do sleep 1; done; exit 3\"",
                    "echo ROLLBACK-RAN > rolled-back.txt").scheduleBuild2(0).waitForStart();
            r.waitForMessage("DEPLOYING", run);
            PromotionLaneITest.production(run, PromotionRecord.State.RUNNING);
        });
        assertThat(restarted.createNewFile()).isTrue();
        sessions.then(r -> {
            WorkflowJob job = r.jenkins.getItemByFullName("rollback", WorkflowJob.class);
            WorkflowRun run = job.getBuildByNumber(1);
            r.assertBuildStatus(Result.FAILURE, r.waitForCompletion(run));
            r.assertLogContains("promotion to production ROLLED_BACK", run);
            assertThat(run.getAction(PromotionAction.class).getRecords().get(0).getState()).isEqualTo(PromotionRecord.State.ROLLED_BACK);
            assertThat(r.jenkins.getWorkspaceFor(job).child("app/rolled-back.txt").readToString()).contains("ROLLBACK-RAN");
        });
    }
}
