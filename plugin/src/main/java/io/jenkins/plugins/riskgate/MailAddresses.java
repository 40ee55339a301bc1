package io.jenkins.plugins.riskgate;

import hudson.model.User;
import hudson.tasks.Mailer;

/** A user's e-mail address from the Mailer plugin, if installed: used to recognise a change's authors. */
final class MailAddresses {
    private MailAddresses() {
    }

    static String of(User user) {
        if (user == null || !JenkinsFacade.JENKINS.hasPlugin("mailer")) {
            return null;
        }
        Mailer.UserProperty property = user.getProperty(Mailer.UserProperty.class);
        return property == null ? null : property.getAddress();
    }
}
