package io.jenkins.plugins.riskgate;

import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.User;
import io.riskgate.gate.GateDecision;
import io.riskgate.policy.ApprovalQuorum;
import io.riskgate.policy.EnvironmentRules;
import io.riskgate.report.PromotionNotice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.ContextResettingExecutorService;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * Tells the people who may decide a promotion that it waits: an e-mail (Mailer plugin) to the
 * environment's approvers and the members of its approver groups whose address Jenkins knows, and
 * the {@code promotion.waiting} event ({@link PromotionEvents}, sent to the configured webhook). In the
 * background: a notification never blocks or fails the build; what happened is logged in one line each.
 */
@Restricted(NoExternalUse.class)
final class PromotionNotifications {
    private static final Logger LOGGER = Logger.getLogger(PromotionNotifications.class.getName());
    /** The most people one notice is mailed to. */
    static final int MOST_RECIPIENTS = 100;
    private static final ExecutorService SENDER = new ContextResettingExecutorService(Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "Deployment Risk Gates notifications");
        t.setDaemon(true);
        return t;
    }));

    private PromotionNotifications() {
    }

    static void waiting(Run<?, ?> run, PromotionRecord record, GateDecision decision, EnvironmentRules rules, RiskAssessmentAction assessment,
                        TaskListener listener) {
        String root = JenkinsFacade.JENKINS.rootUrl();
        String link = (root == null ? "/" : root) + run.getUrl() + PromotionAction.URL + "/";
        List<String> missing = decision.quorum() == null ? List.of() : decision.quorum().missing();
        PromotionNotice notice = new PromotionNotice(run.getParent().getFullName(), run.getNumber(), record.getId(), decision,
                factors(assessment), missing, link, Instant.now());
        Set<String> people = approvers(rules);
        PromotionEvents.waiting(run, notice, listener);
        SENDER.submit(() -> mail(notice, people, listener));
    }

    private static List<PromotionNotice.Factor> factors(RiskAssessmentAction assessment) {
        List<PromotionNotice.Factor> list = new ArrayList<>();
        if (assessment != null) {
            for (io.riskgate.risk.Factor f : assessment.getFactors()) {
                list.add(new PromotionNotice.Factor(f.id(), f.points(), f.explanation()));
            }
        }
        return list;
    }

    /** The user ids the environment names, directly, in its quorum's rules, and as members of its groups. */
    private static Set<String> approvers(EnvironmentRules rules) {
        Set<String> users = new LinkedHashSet<>(rules.approvers());
        Set<String> groups = new LinkedHashSet<>(rules.approverGroups());
        for (ApprovalQuorum.Rule r : rules.quorum().rules()) {
            users.addAll(r.users());
            groups.addAll(r.groups());
        }
        for (String group : groups) {
            try {
                Set<String> members = JenkinsFacade.JENKINS.groupMembers(group);
                if (members != null) {
                    users.addAll(members);
                }
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "the security realm does not list the members of " + group, e);
            }
        }
        return users;
    }

    private static void mail(PromotionNotice notice, Set<String> people, TaskListener listener) {
        if (!JenkinsFacade.JENKINS.hasPlugin("mailer") || people.isEmpty()) {
            return;
        }
        List<String> addresses = new ArrayList<>();
        for (String id : people) {
            String address = MailAddresses.of(User.getById(id, false));
            if (address != null && addresses.size() < MOST_RECIPIENTS) {
                addresses.add(address);
            }
        }
        if (addresses.isEmpty()) {
            listener.getLogger().println("[riskgate] " + Messages.PromoteStep_NoAddresses(people.size()));
            return;
        }
        try {
            var message = new jenkins.plugins.mailer.tasks.MimeMessageBuilder().setSubject(notice.subject()).setBody(notice.text())
                    .addRecipients(String.join(",", addresses)).buildMimeMessage();
            jakarta.mail.Transport.send(message);
            listener.getLogger().println("[riskgate] " + Messages.PromoteStep_Mailed(addresses.size()));
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "cannot mail the waiting promotion " + notice.promotion(), e);
            listener.getLogger().println("[riskgate] " + Messages.PromoteStep_MailFailed(String.valueOf(e.getMessage())));
        }
    }
}
