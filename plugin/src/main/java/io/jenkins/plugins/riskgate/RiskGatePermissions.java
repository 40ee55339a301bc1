package io.jenkins.plugins.riskgate;

import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.security.Permission;
import hudson.security.PermissionGroup;
import hudson.security.PermissionScope;
import jenkins.model.Jenkins;
import org.jvnet.localizer.Localizable;
import org.jvnet.localizer.ResourceBundleHolder;

/** The permission to approve or reject a gated promotion (granted per job; administrators have it). */
public final class RiskGatePermissions {
    private static final ResourceBundleHolder MESSAGES = ResourceBundleHolder.get(RiskGatePermissions.class);

    public static final PermissionGroup GROUP =
            new PermissionGroup(RiskGatePermissions.class, new Localizable(MESSAGES, "PermissionGroup"));

    public static final Permission APPROVE = new Permission(GROUP, "Approve",
            new Localizable(MESSAGES, "ApprovePermission"), Jenkins.ADMINISTER, PermissionScope.ITEM);

    /** Report incidents to the record store over HTTP (the incident endpoint); a grant of its own, for monitoring's API token. */
    public static final Permission REPORT_INCIDENT = new Permission(GROUP, "ReportIncident",
            new Localizable(MESSAGES, "ReportIncidentPermission"), Jenkins.ADMINISTER, PermissionScope.JENKINS);

    private RiskGatePermissions() {
    }

    /** Loads this class early so that the permission is listed in the authorization settings. */
    @Initializer(after = InitMilestone.PLUGINS_STARTED)
    public static void register() {
        // referencing the class registers GROUP and APPROVE
    }
}
