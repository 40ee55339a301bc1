package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import hudson.slaves.DumbSlave;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Checks after the deployment: a failing verification rolls back; a passing one runs where the deployment ran. */
class VerificationITest {
    static String policy(String verify) {
        return String.join("\n", "environments:", "  - name: dev",
                "  - name: production", "    requirePreviousEnvironment: false", "    autoApproveBelow: 101",
                verify == null ? "" : "    verify: " + verify, "");
    }

    @Test
    @WithJenkins
    void aFailingVerificationRunsTheDeclaredRollbackAndKeepsItsLastOutput(JenkinsRule r) throws Exception {
        RiskGateConfiguration.get().setPolicy(policy(null));
        WorkflowJob job = r.createProject(WorkflowJob.class, "verify-fails");
        job.setDefinition(new CpsFlowDefinition("node {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + "dir('app') {\n"
                + "  assessChange(baseline: 'base')\n"
                + "  declareRollback(environment: 'production', command: 'echo ROLLBACK-RAN > rolled-back.txt')\n"
                + "  promote(to: 'production', verify: 'echo checking; n=$(cat n 2>/dev/null || echo 0); echo $((n+1)) > n; echo UNHEALTHY-$((n+1)); exit 1',"
                + " verifyEvery: '1s', verifyFor: '3s') { echo 'DEPLOYED' }\n"
                + "}\n}\n", true));
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);
        r.assertLogContains("DEPLOYED", run);
        r.assertLogContains("verifying production: 1 pass within 3s, checked every 1s", run);
        r.assertLogContains("check 1: failed with exit code 1", run);
        r.assertLogContains("verification of production FAILED: 'echo checking;", run);
        r.assertLogContains("verification of production failed: running the declared rollback: echo ROLLBACK-RAN > rolled-back.txt", run);
        r.assertLogContains("promotion to production ROLLED_BACK", run);
        assertThat(r.jenkins.getWorkspaceFor(job).child("app/rolled-back.txt").readToString()).contains("ROLLBACK-RAN");
        int checks = Integer.parseInt(r.jenkins.getWorkspaceFor(job).child("app/n").readToString().strip());
        assertThat(checks).as("every second for 3 seconds").isBetween(3, 4);

        PromotionRecord production = run.getAction(PromotionAction.class).getRecords().get(0);
        assertThat(production.getState()).isEqualTo(PromotionRecord.State.ROLLED_BACK);
        assertThat(production.getVerificationOutcome()).isEqualTo("FAILED");
        assertThat(production.getVerificationOutput()).contains("UNHEALTHY-" + checks).doesNotContain("UNHEALTHY-" + (checks - 1));
        assertThat(production.getVerificationReason()).contains("did not pass once in a row within 3s");
        assertThat(production.getVerificationMillis()).isBetween(2000L, 20_000L);
        assertThat(production.getNote()).startsWith("verification failed: ").endsWith("rollback 'echo ROLLBACK-RAN > rolled-back.txt' succeeded");
        assertThat(r.createWebClient().getPage(run, "riskgate/").asNormalizedText())
                .contains("Verification: 1 pass within 3s, checked every 1s (each at most 1s): FAILED")
                .contains("ROLLED_BACK");
        ChangeRecords.drain();
        try (io.riskgate.records.ChangeRecordStore store = ChangeRecords.openStore()) {
            io.riskgate.records.ChangeRecord change = store.find(production.getId()).orElseThrow();
            assertThat(change.outcome()).isEqualTo(io.riskgate.records.Outcome.ROLLED_BACK);
            assertThat(change.verification().outcome()).isEqualTo("FAILED");
            assertThat(change.verification().seconds()).isBetween(2L, 20L);
        }
    }

    @Test
    @WithJenkins
    void thePolicysVerificationRunsInTheWorkspaceTheDeploymentUsedLast(JenkinsRule r) throws Exception {
        RiskGateConfiguration.get().setPolicy(policy("{command: 'test -f deployed.txt && echo HEALTHY-ON-$NODE_NAME', every: 1s, for: 20s, passes: 2}"));
        DumbSlave agent = ApprovalWaitITest.agent(r);
        WorkflowJob job = r.createProject(WorkflowJob.class, "verify-passes");
        job.setDefinition(new CpsFlowDefinition("node('deploy') {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + "dir('app') { assessChange(baseline: 'base')\n"
                + "  declareRollback(environment: 'production', command: 'echo NEVER > rolled-back.txt') }\n}\n"
                + "promote(to: 'production') { node('deploy') { writeFile file: 'deployed.txt', text: 'v2' } }\n", true));
        WorkflowRun run = r.buildAndAssertSuccess(job);
        r.assertLogContains("HEALTHY-ON-" + agent.getNodeName(), run);
        r.assertLogContains("verification of production PASSED: 'test -f deployed.txt && echo HEALTHY-ON-$NODE_NAME' passed 2 times in a row", run);
        PromotionRecord production = run.getAction(PromotionAction.class).getRecords().get(0);
        assertThat(production.getState()).isEqualTo(PromotionRecord.State.SUCCEEDED);
        assertThat(production.getVerificationOutcome()).isEqualTo("PASSED");
        assertThat(agent.getWorkspaceFor(job).child("app/rolled-back.txt").exists()).isFalse();
    }
}
