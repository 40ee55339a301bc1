package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Item;
import hudson.model.Result;
import io.riskgate.records.WaitingPromotions;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;
import net.sf.json.JSONArray;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The dashboard lists the waiting promotions from the controller's index of them: listed while they
 * wait, per the user's permissions, gone once decided, and listed again when their build resumes
 * after a restart.
 */
class WaitingApprovalsITest {
    /** production waits for an approval, whatever the score. */
    private static final String POLICY = String.join("\n",
            "environments:",
            "  - name: production",
            "    rollback: {required: false}",
            "    requirePreviousEnvironment: false",
            "    autoApproveBelow: 0",
            "");

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    private static WorkflowJob job(JenkinsRule r, String name) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, name);
        job.setDefinition(new CpsFlowDefinition("node {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + "dir('app') { assessChange(baseline: 'base'); promote(to: 'production') { echo 'DEPLOYED' } }\n}", true));
        return job;
    }

    /** alice reads and approves shop; bob reads shop and hidden and approves hidden. */
    private static void security(JenkinsRule r) {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        Item shop = r.jenkins.getItemByFullName("shop");
        Item hidden = r.jenkins.getItemByFullName("hidden");
        MockAuthorizationStrategy grants = new MockAuthorizationStrategy().grant(Jenkins.READ).everywhere().toAuthenticated()
                .grant(Item.READ, RiskGatePermissions.APPROVE).onItems(shop).to("alice")
                .grant(Item.READ).onItems(shop).to("bob");
        if (hidden != null) {
            grants.grant(Item.READ, RiskGatePermissions.APPROVE).onItems(hidden).to("bob");
        }
        r.jenkins.setAuthorizationStrategy(grants);
    }

    /** The dashboard's {@code waiting} in its api/json, as {@code user} sees it. */
    private static JSONArray waiting(JenkinsRule r, String user) throws Exception {
        return r.createWebClient().login(user).getJSON("riskgate-dashboard/api/json").getJSONObject().getJSONArray("waiting");
    }

    private static List<String> ids(JSONArray waiting) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < waiting.size(); i++) {
            ids.add(waiting.getJSONObject(i).getString("id"));
        }
        return ids;
    }

    private static String page(JenkinsRule r, String user) throws Exception {
        return r.createWebClient().login(user).goTo("riskgate-dashboard/").getWebResponse().getContentAsString();
    }

    @Test
    void aWaitingPromotionIsListedFromTheIndexPerPermissionsUntilItIsDecided() throws Throwable {
        sessions.then(r -> {
            RiskGateConfiguration.get().setPolicy(POLICY);
            WorkflowJob shop = job(r, "shop");
            WorkflowJob hidden = job(r, "hidden");
            security(r);
            WorkflowRun shopRun = shop.scheduleBuild2(0).waitForStart();
            WorkflowRun hiddenRun = hidden.scheduleBuild2(0).waitForStart();
            PromotionRecord shopWaiting = PromoteStepITest.waiting(shopRun);
            PromotionRecord hiddenWaiting = PromoteStepITest.waiting(hiddenRun);
            WaitingPromotions index = JenkinsFacade.JENKINS.waitingPromotions();
            assertThat(index.size()).as("both promotions are in the index").isEqualTo(2);

            JSONArray alice = waiting(r, "alice");
            assertThat(ids(alice)).as("alice cannot read hidden").containsExactly(shopWaiting.getId());
            assertThat(alice.getJSONObject(0).getBoolean("approvable")).isTrue();
            assertThat(alice.getJSONObject(0).getString("url")).isEqualTo(shopRun.getUrl() + "riskgate/");
            assertThat(page(r, "alice")).contains(shopRun.getFullDisplayName()).doesNotContain(hiddenRun.getFullDisplayName());
            JSONArray bob = waiting(r, "bob");
            assertThat(ids(bob)).containsExactlyInAnyOrder(shopWaiting.getId(), hiddenWaiting.getId());
            for (int i = 0; i < bob.size(); i++) {
                assertThat(bob.getJSONObject(i).getBoolean("approvable")).as("bob approves in hidden only")
                        .isEqualTo(bob.getJSONObject(i).getString("job").equals("hidden"));
            }

            // the dashboard reads the index, not the builds: out of the index, a waiting promotion is not listed
            assertThat(index.remove(hiddenWaiting.getId())).isTrue();
            assertThat(ids(waiting(r, "bob"))).containsExactly(shopWaiting.getId());
            assertThat(hiddenRun.isBuilding()).isTrue();

            assertThat(PromoteStepITest.post(r, "alice", shopRun, "approve", shopWaiting.getId(), true)).isEqualTo(200);
            r.assertBuildStatusSuccess(r.waitForCompletion(shopRun));
            assertThat(ids(waiting(r, "alice"))).as("approved: no longer waiting").isEmpty();
            assertThat(ids(waiting(r, "bob"))).isEmpty();
            assertThat(index.size()).isZero();

            assertThat(PromoteStepITest.post(r, "bob", hiddenRun, "reject", hiddenWaiting.getId(), true)).isEqualTo(200);
            r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(hiddenRun));
        });
    }

    @Test
    void aWaitingPromotionIsListedAgainAfterARestart() throws Throwable {
        String[] id = new String[1];
        sessions.then(r -> {
            RiskGateConfiguration.get().setPolicy(POLICY);
            WorkflowRun run = job(r, "shop").scheduleBuild2(0).waitForStart();
            security(r);
            id[0] = PromoteStepITest.waiting(run).getId();
            assertThat(ids(waiting(r, "alice"))).containsExactly(id[0]);
        });
        sessions.then(r -> {
            security(r);
            WorkflowRun run = r.jenkins.getItemByFullName("shop", WorkflowJob.class).getBuildByNumber(1);
            WaitingPromotions index = JenkinsFacade.JENKINS.waitingPromotions();
            for (int i = 0; i < 300 && index.size() == 0; i++) {
                Thread.sleep(100);   // the build resumes at startup, and its promotion registers again
            }
            assertThat(ids(waiting(r, "alice"))).as("listed again after the restart").containsExactly(id[0]);
            assertThat(PromoteStepITest.post(r, "alice", run, "approve", id[0], true)).isEqualTo(200);
            r.assertBuildStatusSuccess(r.waitForCompletion(run));
            assertThat(ids(waiting(r, "alice"))).isEmpty();
        });
    }
}
