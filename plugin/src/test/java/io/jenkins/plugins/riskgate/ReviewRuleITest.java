package io.jenkins.plugins.riskgate;

import hudson.model.Result;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Outcome;
import io.riskgate.records.Review;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class ReviewRuleITest {
    @Test
    void promoteIsBlockedWhileTheJobsFailureWaitsTooLongForAReviewAndGoesAheadOnceItHasOne(JenkinsRule r) throws Exception {
        RiskGateConfiguration.get().setPolicy(String.join("\n", "environments:", "  - name: dev", "    minTests: 0",
                "  - name: production", "    minTests: 0", "    requirePreviousEnvironment: false", "    rollback: {required: false}",
                "    requireReviewedFailures: {olderThanDays: 7, action: block}", ""));
        Instant old = Instant.now().minus(Duration.ofDays(10));
        ChangeRecord failed = ChangeRecord.of("held", "production", "0123456789abcdef", null, old.minusSeconds(300), old, Outcome.FAILED, 40, "MEDIUM");
        ChangeRecord otherJob = ChangeRecord.of("other", "production", "fedcba9876543210", null, old.minusSeconds(300), old, Outcome.FAILED, 40, "MEDIUM");
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            store.saveAll(List.of(failed, otherJob));
        }
        WorkflowJob job = r.createProject(WorkflowJob.class, "held");
        job.setDefinition(new CpsFlowDefinition("node {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + "dir('app') {\n  assessChange(baseline: 'base')\n  promote(to: 'production') { echo 'DEPLOYED' }\n}\n}", true));
        WorkflowRun blocked = r.buildAndAssertStatus(Result.FAILURE, job);
        r.assertLogContains("reviews.failures", blocked);
        r.assertLogContains("1 failure in production has waited more than 7 days for a post-incident review: 0123456789 (FAILED", blocked);
        r.assertLogContains("deployment " + failed.id(), blocked);
        r.assertLogNotContains("DEPLOYED", blocked);
        r.assertLogNotContains(otherJob.id(), blocked);

        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            store.incidents().review(new Review(failed.id(), "https://wiki.example.com/pir/7", "manager", Instant.now(), null));
        }
        WorkflowRun allowed = r.buildAndAssertSuccess(job);
        r.assertLogContains("DEPLOYED", allowed);
        r.assertLogContains("no failure in production has waited more than 7 days for a post-incident review", allowed);
    }
}
