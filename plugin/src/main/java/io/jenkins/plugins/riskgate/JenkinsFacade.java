package io.jenkins.plugins.riskgate;

import hudson.model.Item;
import hudson.model.ItemGroup;
import hudson.model.Job;
import hudson.model.Node;
import hudson.security.GroupDetails;
import jenkins.model.IdStrategy;
import hudson.security.AccessControlled;
import hudson.security.Permission;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jenkins.model.Jenkins;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The plugin's one way to Jenkins itself: the current user's permissions, the jobs they may read,
 * the controller's directories, URL and plugins. Everything else in the plugin calls this, so its
 * decisions can be unit-tested with a replacement that answers without a running Jenkins.
 */
@Restricted(NoExternalUse.class)
public class JenkinsFacade {
    /** The facade over the running controller. */
    public static final JenkinsFacade JENKINS = new JenkinsFacade();

    /** Whether the current user holds {@code permission} on the controller (globally). */
    public boolean hasPermission(Permission permission) {
        return Jenkins.get().hasPermission(permission);
    }

    /** Whether the current user holds {@code permission} on {@code item}, or globally when there is no item. */
    public boolean hasPermission(Permission permission, AccessControlled item) {
        return item == null ? hasPermission(permission) : item.hasPermission(permission);
    }

    /** Answers 403 unless the current user holds {@code permission} on {@code item} (globally when there is no item). */
    public void checkPermission(Permission permission, AccessControlled item) {
        if (item == null) {
            Jenkins.get().checkPermission(permission);
        } else {
            item.checkPermission(permission);
        }
    }

    /**
     * The check of a Snippet Generator or form field: Configure on the job it is used in, Administer
     * outside any job (the global Snippet Generator). Answers 403 otherwise.
     */
    public void checkConfigure(Item item) {
        checkPermission(item == null ? Jenkins.ADMINISTER : Item.CONFIGURE, item);
    }

    /** The jobs the current user may read, in every folder. */
    public List<Job<?, ?>> readableJobs() {
        List<Job<?, ?>> jobs = new ArrayList<>();
        for (Job<?, ?> job : Jenkins.get().getAllItems(Job.class)) {
            if (job.hasPermission(Item.READ)) {
                jobs.add(job);
            }
        }
        return jobs;
    }

    /** Every job, whoever may read it (for the controller's own figures, never shown per user). */
    public List<Job<?, ?>> allJobs() {
        return Jenkins.get().getAllItems(Job.class).stream().<Job<?, ?>>map(j -> j).toList();
    }

    /** Whether a controller runs in this JVM (false in unit tests and after shutdown). */
    public boolean running() {
        return Jenkins.getInstanceOrNull() != null;
    }

    /** The controller as the context of credentials and items. */
    public ItemGroup<?> root() {
        return Jenkins.get();
    }

    /** {@code JENKINS_HOME}. */
    public Path rootDir() {
        return Jenkins.get().getRootDir().toPath();
    }

    /** The controller's configured URL, ending with a slash, or null when none is configured. */
    public String rootUrl() {
        return Jenkins.get().getRootUrl();
    }

    /** The job of that full name, or null; no permission check (for the plugin's own bookkeeping). */
    public Job<?, ?> job(String fullName) {
        return Jenkins.get().getItemByFullName(fullName, Job.class);
    }

    /** The node of that name ({@code ""}: the built-in node), or null. */
    public Node node(String name) {
        return name.isEmpty() ? Jenkins.get() : Jenkins.get().getNode(name);
    }

    /** How the security realm compares group names. */
    public IdStrategy groupIdStrategy() {
        return Jenkins.get().getSecurityRealm().getGroupIdStrategy();
    }

    /**
     * The members of a group where the security realm lists them, else null; an unknown group throws the realm's
     * (unchecked) exception.
     */
    public Set<String> groupMembers(String group) {
        GroupDetails details = Jenkins.get().getSecurityRealm().loadGroupByGroupname2(group, true);
        return details == null ? null : details.getMembers();
    }

    /** The running controller, or null while it starts or after it stopped: compared by identity to notice a restart. */
    public Object controller() {
        return Jenkins.getInstanceOrNull();
    }

    /** Whether {@code started} (from {@link #controller()}) is no longer the controller that runs, or it is shutting down. */
    public boolean terminating(Object started) {
        Jenkins j = Jenkins.getInstanceOrNull();
        return j == null || j != started || j.isTerminating();
    }

    /** The promotions of this controller that wait for approval. */
    public io.riskgate.records.WaitingPromotions waitingPromotions() {
        return hudson.ExtensionList.lookupSingleton(WaitingApprovals.class).promotions();
    }

    /** Whether the plugin of that short name is installed and active. */
    public boolean hasPlugin(String shortName) {
        return Jenkins.get().getPlugin(shortName) != null;
    }
}
