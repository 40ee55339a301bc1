package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import hudson.model.User;
import hudson.tasks.Mailer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** A waiting promotion tells its approvers by e-mail and posts an event to the webhook; neither blocks the build. */
class NotificationITest {
    /** The messages a loopback SMTP server received: envelope recipients, then the data. */
    record Mail(List<String> to, String data) {
    }

    private final BlockingQueue<Mail> mails = new LinkedBlockingQueue<>();
    private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
    private ServerSocket smtp;
    private HttpServer webhook;

    /** Just enough SMTP for Jakarta Mail: EHLO, MAIL, RCPT, DATA, QUIT. */
    private int startSmtp() throws Exception {
        smtp = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!smtp.isClosed()) {
                try (Socket s = smtp.accept()) {
                    s.setSoTimeout(20_000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream out = s.getOutputStream();
                    List<String> to = new java.util.ArrayList<>();
                    reply(out, "220 localhost test SMTP");
                    String line;
                    while ((line = in.readLine()) != null) {
                        String cmd = line.toUpperCase(java.util.Locale.ROOT);
                        if (cmd.startsWith("EHLO") || cmd.startsWith("HELO")) {
                            reply(out, "250 localhost");
                        } else if (cmd.startsWith("RCPT TO:")) {
                            to.add(line.substring(8).replaceAll("[<>\\s]", ""));
                            reply(out, "250 OK");
                        } else if (cmd.startsWith("DATA")) {
                            reply(out, "354 go ahead");
                            StringBuilder data = new StringBuilder();
                            while (!(line = in.readLine()).equals(".")) {
                                data.append(line).append('\n');
                            }
                            mails.add(new Mail(List.copyOf(to), data.toString()));
                            reply(out, "250 queued");
                        } else if (cmd.startsWith("QUIT")) {
                            reply(out, "221 bye");
                            break;
                        } else {
                            reply(out, "250 OK");
                        }
                    }
                } catch (Exception e) {
                    // closed at the end of the test
                }
            }
        }, "test SMTP");
        t.setDaemon(true);
        t.start();
        return smtp.getLocalPort();
    }

    private static void reply(OutputStream out, String line) throws java.io.IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private String startWebhook() throws Exception {
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/events", x -> {
            events.add(new String[] {x.getRequestHeaders().getFirst("Idempotency-Key"), new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)});
            x.sendResponseHeaders(202, -1);
            x.close();
        });
        webhook.start();
        return "http://127.0.0.1:" + webhook.getAddress().getPort() + "/events";
    }

    @AfterEach
    void stop() throws Exception {
        if (smtp != null) {
            smtp.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    /**
     * The test's single class path also holds an older javax mail API (bundled by another plugin), whose
     * mailcap names handlers of the wrong API; Jenkins keeps them apart with one class loader per plugin.
     */
    static void mailHandlersOfTheJakartaApi() {
        jakarta.activation.MailcapCommandMap map = new jakarta.activation.MailcapCommandMap();
        map.addMailcap("text/plain;; x-java-content-handler=org.eclipse.angus.mail.handlers.text_plain");
        map.addMailcap("multipart/*;; x-java-content-handler=org.eclipse.angus.mail.handlers.multipart_mixed; x-java-fallback-entry=true");
        map.addMailcap("message/rfc822;; x-java-content-handler=org.eclipse.angus.mail.handlers.message_rfc822");
        jakarta.activation.CommandMap.setDefaultCommandMap(map);
    }

    @Test
    @WithJenkins
    void theApproversAreMailedAndTheWebhookGetsTheEvent(JenkinsRule r) throws Exception {
        mailHandlersOfTheJakartaApi();
        ApprovalWaitITest.security(r);
        RiskGateConfiguration.get().setPolicy(ApprovalWaitITest.policy(null));
        RiskGateConfiguration.get().setNotifyUrl(startWebhook());
        Mailer.descriptor().setSmtpHost("127.0.0.1");
        Mailer.descriptor().setSmtpPort(String.valueOf(startSmtp()));
        Mailer.descriptor().setReplyToAddress("jenkins@example.test");
        User.getById("alice", true).addProperty(new Mailer.UserProperty("alice@example.test"));
        User.getById("bob", true).addProperty(new Mailer.UserProperty("bob@example.test"));
        ApprovalWaitITest.agent(r);
        WorkflowRun run = ApprovalWaitITest.topLevelJob(r, "echo 'DEPLOYED'").scheduleBuild2(0).waitForStart();
        PromotionRecord record = PromoteStepITest.waiting(run);

        Mail mail = mails.poll(60, TimeUnit.SECONDS);
        assertThat(mail).as("an e-mail arrived").isNotNull();
        assertThat(mail.to()).containsExactlyInAnyOrder("alice@example.test", "bob@example.test");
        assertThat(mail.data()).contains("Subject: Approval needed: top-level #1 to production (risk ")
                .contains("Still missing:").contains("2 more approvals").contains("job/top-level/1/riskgate/");
        String[] event = events.poll(60, TimeUnit.SECONDS);
        while (event != null && !event[1].contains("\"type\":\"promotion.waiting\"")) {
            event = events.poll(60, TimeUnit.SECONDS);   // the gates' decisions and dev's deployment are events too
        }
        assertThat(event).as("the webhook got the event").isNotNull();
        assertThat(event[1]).contains("\"type\":\"promotion.waiting\"").contains("\"environment\":\"production\"")
                .contains("\"promotion\":\"" + record.getId() + "\"").contains("\"id\":\"" + event[0] + "\"");
        r.waitForMessage("told 2 approver(s) by e-mail that this promotion waits", run);
        r.waitForMessage("sent event " + event[0] + " to the notification webhook", run);

        assertThat(PromoteStepITest.post(r, "alice", run, "approve", record.getId(), true)).isEqualTo(200);
        assertThat(PromoteStepITest.post(r, "bob", run, "approve", record.getId(), true)).isEqualTo(200);
        r.assertBuildStatusSuccess(r.waitForCompletion(run));
    }

    @Test
    @WithJenkins
    void anUnreachableWebhookAndMailServerDoNotHoldTheBuild(JenkinsRule r) throws Exception {
        ApprovalWaitITest.security(r);
        RiskGateConfiguration.get().setPolicy(ApprovalWaitITest.policy(null));
        RiskGateConfiguration.get().setNotifyUrl("http://127.0.0.1:1/events");
        Mailer.descriptor().setSmtpHost("127.0.0.1");
        Mailer.descriptor().setSmtpPort("1");
        User.getById("alice", true).addProperty(new Mailer.UserProperty("alice@example.test"));
        ApprovalWaitITest.agent(r);
        WorkflowRun run = ApprovalWaitITest.topLevelJob(r, "echo 'DEPLOYED'").scheduleBuild2(0).waitForStart();
        PromotionRecord record = PromoteStepITest.waiting(run);
        r.waitForMessage("could not send the e-mail about this promotion (the build goes on)", run);
        r.waitForMessage("could not send the event to the notification webhook (the build goes on)", run);
        // whoever reads the build sees whether the webhook answered, not its address
        assertThat(JenkinsRule.getLog(run)).contains("the webhook did not answer; the controller's log has the details")
                .doesNotContain("127.0.0.1:1").doesNotContain("/events");
        assertThat(record.isWaiting()).isTrue();
        assertThat(PromoteStepITest.post(r, "alice", run, "approve", record.getId(), true)).isEqualTo(200);
        assertThat(PromoteStepITest.post(r, "bob", run, "approve", record.getId(), true)).isEqualTo(200);
        r.assertBuildStatusSuccess(r.waitForCompletion(run));
    }
}
