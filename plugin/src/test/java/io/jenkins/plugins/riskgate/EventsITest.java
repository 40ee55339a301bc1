package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import hudson.model.Item;
import hudson.model.User;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import jenkins.model.Jenkins;
import jenkins.security.ApiTokenProperty;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Every gate decision, approval, deployment, incident and review is an event: it reaches the webhook
 * with a stable id (a delivery retried after a server error keeps it) and is listed on the build's page.
 */
class EventsITest {
    /** One delivery the webhook saw: its Idempotency-Key, its document, the status it answered. */
    record Delivery(String key, Map<String, Object> event, int status) {
    }

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private HttpServer webhook;

    /** A webhook that answers the first delivery with a server error, every later one with 202. */
    private String startWebhook() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/events", x -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> event = new ObjectMapper().readValue(x.getRequestBody().readAllBytes(), Map.class);
            int status = requests.getAndIncrement() == 0 ? 500 : 202;
            deliveries.add(new Delivery(x.getRequestHeaders().getFirst("Idempotency-Key"), event, status));
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        webhook.start();
        return "http://127.0.0.1:" + webhook.getAddress().getPort() + "/events";
    }

    @AfterEach
    void stop() {
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    private static void security(JenkinsRule r) {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ, Item.BUILD).everywhere().toAuthenticated()
                .grant(RiskGatePermissions.APPROVE).everywhere().to("alice", "bob", "erin")
                .grant(RiskGatePermissions.REPORT_INCIDENT).everywhere().to("monitoring"));
    }

    /** The types delivered (each id once, as taken: 2xx), waiting until all the expected ones arrived. */
    private Map<String, Delivery> delivered(Set<String> types) throws Exception {
        for (int i = 0; i < 600; i++) {
            EventDelivery.await();
            Map<String, Delivery> taken = new HashMap<>();
            for (Delivery d : deliveries) {
                if (d.status() / 100 == 2) {
                    taken.putIfAbsent(d.key(), d);
                }
            }
            Set<String> seen = new LinkedHashSet<>();
            taken.values().forEach(d -> seen.add((String) d.event().get("type")));
            if (seen.containsAll(types)) {
                return taken;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the webhook did not get " + types + ": " + deliveries);
    }

    private static int post(JenkinsRule r, String user, String path, String body) throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.withBasicCredentials(user, User.getById(user, true).getProperty(ApiTokenProperty.class).generateNewToken("test").plainValue);
        WebRequest request = new WebRequest(new URL(r.getURL(), path), HttpMethod.POST);
        request.setAdditionalHeader("Content-Type", "application/json");
        request.setRequestBody(body);
        Page page = wc.getPage(request);
        return page.getWebResponse().getStatusCode();
    }

    @Test
    @WithJenkins
    void aPromotionItsApprovalsDeploymentIncidentAndReviewReachTheWebhookWithStableIdsAndAreListedOnTheBuild(JenkinsRule r) throws Exception {
        security(r);
        RiskGateConfiguration.get().setPolicy(ApprovalWaitITest.policy(null));
        RiskGateConfiguration.get().setNotifyUrl(startWebhook());
        ApprovalWaitITest.agent(r);
        WorkflowRun run = ApprovalWaitITest.topLevelJob(r, "echo 'DEPLOYED'").scheduleBuild2(0).waitForStart();
        PromotionRecord production = PromoteStepITest.waiting(run);
        assertThat(PromoteStepITest.post(r, "alice", run, "approve", production.getId(), true)).isEqualTo(200);
        assertThat(PromoteStepITest.post(r, "bob", run, "approve", production.getId(), true)).isEqualTo(200);
        r.assertBuildStatusSuccess(r.waitForCompletion(run));
        ChangeRecords.drain();

        // an incident after the deployment (reported twice: one fact), resolved; then its review
        Instant started = Instant.now().plusSeconds(1);
        String incident = "{\"id\":\"INC-7\",\"title\":\"slow <b>checkout</b>\",\"severity\":\"SEV2\",\"pipeline\":\"top-level\","
                + "\"environment\":\"production\",\"startedAt\":\"" + started + "\"}";
        Thread.sleep(1500);
        assertThat(post(r, "monitoring", "riskgate-incidents/report", incident)).isEqualTo(200);
        assertThat(post(r, "monitoring", "riskgate-incidents/report", incident)).isEqualTo(200);
        assertThat(post(r, "monitoring", "riskgate-incidents/report", incident.replace("}", ",\"resolvedAt\":\"" + started.plusSeconds(60) + "\"}")))
                .isEqualTo(200);
        JenkinsRule.WebClient alice = r.createWebClient().login("alice");
        WebRequest review = new WebRequest(new URL(r.getURL(), "riskgate-reviews/attach?deployment=" + production.getId()
                + "&url=https://wiki.example.com/pir/7&summary=a+missing+index"), HttpMethod.POST);
        alice.addCrumb(review);
        assertThat(alice.getPage(review).getWebResponse().getStatusCode()).isEqualTo(200);

        Map<String, Delivery> taken = delivered(Set.of("gate.decided", "promotion.waiting", "approval.given", "deployment.finished",
                "incident.opened", "incident.resolved", "review.added"));
        // every delivery's key is its event's id; the one the webhook refused with 500 came again with the same id
        for (Delivery d : deliveries) {
            assertThat(d.key()).isEqualTo(d.event().get("id")).matches("[0-9a-f]{32}");
        }
        Delivery refused = deliveries.get(0);
        assertThat(refused.status()).isEqualTo(500);
        assertThat(taken).containsKey(refused.key());
        assertThat(taken.get(refused.key()).event()).isEqualTo(refused.event());
        List<String> types = new ArrayList<>();
        taken.values().forEach(d -> types.add(d.event().get("type") + " " + d.event().get("environment")));
        assertThat(types).containsExactlyInAnyOrder("gate.decided dev", "deployment.finished dev", "gate.decided production",
                "promotion.waiting production", "approval.given production", "approval.given production", "deployment.finished production",
                "incident.opened production", "incident.resolved production", "review.added production");
        Delivery finished = taken.values().stream().filter(d -> d.event().get("type").equals("deployment.finished")
                && d.event().get("environment").equals("production")).findFirst().orElseThrow();
        assertThat(finished.event()).containsEntry("outcome", "SUCCEEDED").containsEntry("promotion", production.getId())
                .containsEntry("build", 1).containsEntry("pipeline", "top-level");
        Delivery opened = taken.values().stream().filter(d -> d.event().get("type").equals("incident.opened")).findFirst().orElseThrow();
        assertThat(opened.event()).containsEntry("deployment", production.getId()).containsEntry("link", "LIVE")
                .containsEntry("title", "slow <b>checkout</b>");

        // the build's page lists them all, escaped, with the ids the webhook got; so does its api/json
        PromotionAction action = run.getAction(PromotionAction.class);
        List<String> listed = action.getEvents().stream().map(PromotionEvent::getId).toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(taken.keySet());
        assertThat(action.getEvents()).extracting(PromotionEvent::getTime).isSorted();
        String page = alice.getPage(run, "riskgate/").getWebResponse().getContentAsString();
        assertThat(page).contains("Events", "gate.decided", "approval.given", "deployment.finished", "incident.opened", "incident.resolved",
                "review.added", "data-event-id=\"" + opened.key() + "\"", "incident INC-7 (SEV2): slow &lt;b>checkout&lt;/b>", "approved by alice")
                .doesNotContain("slow <b>checkout</b>");
        String json = alice.goTo(run.getUrl() + "riskgate/api/json?tree=events[id,type,actor,summary],droppedEvents", "application/json")
                .getWebResponse().getContentAsString();
        assertThat(json).contains("\"id\":\"" + opened.key() + "\"", "\"type\":\"review.added\"", "\"droppedEvents\":0");
        assertThat(Files.list(ChangeRecords.home().resolve("event-spool")).filter(f -> f.toString().endsWith(".json"))).as("nothing waits").isEmpty();
    }

    @Test
    @WithJenkins
    void withoutAWebhookNothingIsSpooledAndTheBuildStillListsItsEvents(JenkinsRule r) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, "clean");
        job.setDefinition(new CpsFlowDefinition("node {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE)
                + PipelineFixtures.promoteToProduction("echo 'deploy production'") + "}", true));
        WorkflowRun run = r.buildAndAssertSuccess(job);
        EventDelivery.await();
        assertThat(run.getAction(PromotionAction.class).getEvents()).extracting(e -> e.getType() + " " + e.getEnvironment()).containsExactly(
                "gate.decided dev", "deployment.finished dev", "gate.decided staging", "deployment.finished staging",
                "gate.decided production", "deployment.finished production");
        assertThat(ChangeRecords.home().resolve("event-spool")).doesNotExist();
        // kept in build.xml: the same events after a reload
        run.reload();
        assertThat(run.getAction(PromotionAction.class).getEvents()).hasSize(6);
    }

    @org.junit.jupiter.api.extension.RegisterExtension
    private final org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension sessions = new org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension();

    /** The webhook's status: 503 while it is "down". */
    private final AtomicInteger answer = new AtomicInteger(503);

    @Test
    void eventsTheWebhookDidNotTakeWaitOnDiskAndGoOutAfterARestart() throws Throwable {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/events", x -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> event = new ObjectMapper().readValue(x.getRequestBody().readAllBytes(), Map.class);
            deliveries.add(new Delivery(x.getRequestHeaders().getFirst("Idempotency-Key"), event, answer.get()));
            x.sendResponseHeaders(answer.get(), -1);
            x.close();
        });
        server.start();
        webhook = server;
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
        sessions.then(r -> {
            RiskGateConfiguration.get().setNotifyUrl(url);
            WorkflowJob job = r.createProject(WorkflowJob.class, "recorded");
            job.setDefinition(new CpsFlowDefinition("recordDeployment(environment: 'production', commit: 'abc123', result: 'FAILED')", true));
            r.buildAndAssertSuccess(job);
            EventDelivery.await();
            assertThat(deliveries).as("the webhook was tried").isNotEmpty().allMatch(d -> d.status() == 503);
            assertThat(EventDelivery.spool().pending()).as("the event waits on disk").isEqualTo(1);
        });
        answer.set(202);
        sessions.then(r -> {
            for (int i = 0; i < 300 && deliveries.stream().noneMatch(d -> d.status() == 202); i++) {
                Thread.sleep(100);
            }
            EventDelivery.await();
            Delivery taken = deliveries.stream().filter(d -> d.status() == 202).findFirst().orElseThrow();
            assertThat(taken.key()).as("the same id as the refused attempts").isEqualTo(deliveries.get(0).key());
            assertThat(taken.event()).containsEntry("type", "deployment.finished").containsEntry("outcome", "FAILED")
                    .containsEntry("pipeline", "recorded");
            assertThat(EventDelivery.spool().pending()).isZero();
            WorkflowRun run = r.jenkins.getItemByFullName("recorded", WorkflowJob.class).getBuildByNumber(1);
            assertThat(run.getAction(PromotionAction.class).getEvents()).singleElement()
                    .extracting(PromotionEvent::getId).isEqualTo(taken.key());
        });
    }
}
