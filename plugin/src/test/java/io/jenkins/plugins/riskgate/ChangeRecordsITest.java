package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Item;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.Outcome;
import io.riskgate.records.RecordQuery;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.Page;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class ChangeRecordsITest {
    static WorkflowJob promoting(JenkinsRule r, String name) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, name);
        job.setDefinition(new CpsFlowDefinition("node {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + PipelineFixtures.promoteToProduction("echo 'deploy production'") + "}", true));
        return job;
    }

    static int status(JenkinsRule r, String user, String path) throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        if (user != null) {
            wc.login(user);
        }
        Page page = wc.goTo(path, null);
        return page.getWebResponse().getStatusCode();
    }

    @Test
    void everyPromotionIsRecordedAndTheDashboardShowsItToReleaseManagersOnly(JenkinsRule r) throws Exception {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ, Item.BUILD).everywhere().toAuthenticated()
                .grant(RiskGatePermissions.APPROVE).everywhere().to("manager"));
        r.buildAndAssertSuccess(promoting(r, "shop"));
        ChangeRecords.drain();
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            List<ChangeRecord> records = store.page(RecordQuery.ALL, 0, 10);
            assertThat(records).extracting(ChangeRecord::environment).containsExactlyInAnyOrder("dev", "staging", "production");
            assertThat(records).allSatisfy(c -> {
                assertThat(c.pipeline()).isEqualTo("shop");
                assertThat(c.outcome()).isEqualTo(Outcome.SUCCEEDED);
                assertThat(c.testsTotal()).isEqualTo(2);
                assertThat(c.commitTime()).isNotNull();
                assertThat(c.buildUrl()).endsWith("job/shop/1/");
            });
        }
        JenkinsRule.WebClient manager = r.createWebClient().login("manager");
        assertThat(manager.goTo("riskgate-dashboard/").getWebResponse().getContentAsString())
                .contains("Deployment frequency", "Readiness", "shop");
        assertThat(manager.goTo("riskgate-dashboard/api/json", "application/json").getWebResponse().getContentAsString())
                .contains("\"deployments\":3");
        assertThat(manager.goTo("riskgate-dashboard/export?environment=production", null).getWebResponse().getContentAsString().lines())
                .hasSize(2);
        for (String path : List.of("riskgate-dashboard/", "riskgate-dashboard/api/json", "riskgate-dashboard/export")) {
            assertThat(status(r, "developer", path)).as(path).isEqualTo(403);
        }
    }

    @Test
    void recordsTheStoreRefusesAreSpooledAndDeliveredLater(JenkinsRule r) throws Exception {
        System.setProperty(ChangeRecords.STORE_WAIT_PROPERTY, "2");   // an unreachable server is given up on after 2 s, not 30
        try {
            RiskGateConfiguration.get().setStoreUrl("jdbc:postgresql://127.0.0.1:1/nowhere");
            r.buildAndAssertSuccess(promoting(r, "spooled"));
            ChangeRecords.drain();
            assertThat(ChangeRecords.writer().retry()).as("still unreachable").isZero();
            RiskGateConfiguration.get().setStoreUrl(null);
            assertThat(ChangeRecords.writer().retry()).isEqualTo(3);
            try (ChangeRecordStore store = ChangeRecords.openStore()) {
                assertThat(store.count(RecordQuery.ALL)).isEqualTo(3);
            }
        } finally {
            System.clearProperty(ChangeRecords.STORE_WAIT_PROPERTY);
        }
    }
    @Test
    void theDashboardShowsTheLearnedModelsBacktestNextToTheDefaultScore(JenkinsRule r) throws Exception {
        JenkinsRule.WebClient admin = r.createWebClient();
        assertThat(admin.goTo("riskgate-dashboard/").getWebResponse().getContentAsString())
                .contains("Risk model", "Assessments are scored by <strong>default</strong>", "No backtest of these deployments");
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            store.saveAll(io.riskgate.testing.TestRecords.sized(1000, "production", java.time.Instant.now().minus(java.time.Duration.ofDays(200)),
                    java.time.Duration.ofHours(4), 3));
        }
        String page = admin.goTo("riskgate-dashboard/").getWebResponse().getContentAsString();
        assertThat(page).contains("Assessments are scored by <strong>learned-", "learned from 1,000 deployments since",
                "a model learned from the oldest 600", "measured on the newest 400", "failures caught gating the riskiest 10%",
                "Calibration: predicted and observed failure rate per score band");
        String json = admin.goTo("riskgate-dashboard/api/json", "application/json").getWebResponse().getContentAsString();
        assertThat(json).contains("\"riskModel\"", "\"trainRows\":600", "\"testRows\":400", "\"learned\":{\"model\":\"learned-");
        // filters apply to the backtest too
        assertThat(admin.goTo("riskgate-dashboard/?environment=staging").getWebResponse().getContentAsString())
                .contains("No backtest of these deployments");
    }
}
