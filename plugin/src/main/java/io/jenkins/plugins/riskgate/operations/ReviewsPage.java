package io.jenkins.plugins.riskgate.operations;

import hudson.Extension;
import hudson.model.RootAction;
import hudson.model.User;
import io.jenkins.plugins.riskgate.ChangeRecords;
import io.jenkins.plugins.riskgate.EventDelivery;
import io.jenkins.plugins.riskgate.JenkinsFacade;
import io.jenkins.plugins.riskgate.RiskGateDashboard;
import io.jenkins.plugins.riskgate.RiskGatePermissions;
import io.riskgate.RiskGateException;
import io.riskgate.events.DeliveryEvent;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.IncidentStore;
import io.riskgate.records.RecordQuery;
import io.riskgate.records.Review;
import io.riskgate.records.Visibility;
import io.riskgate.report.DeliveryReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import jenkins.model.Jenkins;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerProxy;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code /riskgate-reviews/}: the failed, rolled-back and incident-linked deployments that wait for
 * a post-incident review, with their age, and a form that attaches one. It opens for whoever the
 * dashboard opens for ({@link Visibility#opensDashboard()}), lists the deployments of the jobs the
 * user may read only (administrators: every record), and attaches a review only where the user holds
 * <em>Approve</em> on the deployment's job; the form posts with a crumb.
 */
@Extension
@Restricted(NoExternalUse.class)
public class ReviewsPage implements RootAction, StaplerProxy {
    static final int LISTED = 200;
    static final int MAX_FIELD = 2000;

    private final JenkinsFacade jenkins;

    public ReviewsPage() {
        this(JenkinsFacade.JENKINS);
    }

    ReviewsPage(JenkinsFacade jenkins) {
        this.jenkins = jenkins;
    }

    /** The current user's visibility, computed once per request (the dashboard's rules). */
    Visibility visibility() {
        return RiskGateDashboard.currentVisibility(jenkins);
    }

    @Override
    public Object getTarget() {
        RiskGateDashboard.checkOpens(jenkins);
        return this;
    }

    @Override
    public String getIconFileName() {
        return RiskGateDashboard.linked(jenkins) ? "symbol-document-text-outline plugin-ionicons-api" : null;
    }

    @Override
    public String getDisplayName() {
        return Messages.ReviewsPage_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "riskgate-reviews";
    }

    /** One row of the page: a deployment and how long it has waited (getters for jelly). */
    public static final class Row {
        private final String deployment;
        private final String pipeline;
        private final String environment;
        private final String commit;
        private final String finished;
        private final String why;
        private final String age;
        private final boolean reviewable;

        Row(String deployment, String pipeline, String environment, String commit, String finished, String why, String age, boolean reviewable) {
            this.deployment = deployment;
            this.pipeline = pipeline;
            this.environment = environment;
            this.commit = commit;
            this.finished = finished;
            this.why = why;
            this.age = age;
            this.reviewable = reviewable;
        }

        /** Whether the user may attach the review (Approve on the job); the page shows the form then. */
        public boolean isReviewable() {
            return reviewable;
        }

        public String getDeployment() {
            return deployment;
        }

        public String getPipeline() {
            return pipeline;
        }

        public String getEnvironment() {
            return environment;
        }

        public String getCommit() {
            return commit;
        }

        public String getFinished() {
            return finished;
        }

        public String getWhy() {
            return why;
        }

        public String getAge() {
            return age;
        }
    }

    // used by jelly
    public List<Row> getAwaiting() {
        Instant now = Instant.now();
        Visibility visibility = visibility();
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            return store.incidents().awaitingReview(visibility.narrow(RecordQuery.ALL), LISTED).stream()
                    .filter(a -> visibility.maySee(a.pipeline()))
                    .map(a -> new Row(a.deploymentId(), a.pipeline(), a.environment(), a.commit().substring(0, Math.min(10, a.commit().length())),
                            a.finishedAt().toString(), a.why(), DeliveryReport.duration((double) Duration.between(a.finishedAt(), now).toSeconds()),
                            visibility.mayApprove(a.pipeline())))
                    .toList();
        }
    }

    /** The dashboard, for the page's link back. */
    public String getDashboardUrl() {
        return new RiskGateDashboard().getUrlName();
    }

    /**
     * Attaches a review: 404 for a deployment the user may not see (as for one that does not exist),
     * 403 where they may see it but lack Approve on its job, 400 for a bad URL or overlong text.
     */
    @POST
    public HttpResponse doAttach(@QueryParameter String deployment, @QueryParameter String url, @QueryParameter String summary) {
        if (!jenkins.hasPermission(Jenkins.ADMINISTER) && !visibility().opensDashboard()) {
            jenkins.checkPermission(RiskGatePermissions.APPROVE, null);
        }
        if (deployment == null || deployment.isBlank() || deployment.length() > MAX_FIELD
                || url != null && url.length() > MAX_FIELD || summary != null && summary.length() > MAX_FIELD) {
            return HttpResponses.errorWithoutStack(400, Messages.ReviewsPage_BadField(MAX_FIELD));
        }
        Visibility visibility = visibility();
        User user = User.current();
        String author = user == null ? Jenkins.ANONYMOUS2.getName() : user.getId();
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            Optional<ChangeRecord> record = store.find(deployment);
            if (record.isEmpty() || !visibility.maySee(record.get().pipeline())) {
                return HttpResponses.errorWithoutStack(404, Messages.ReviewsPage_NoDeployment());
            }
            if (!visibility.mayApprove(record.get().pipeline())) {
                return HttpResponses.errorWithoutStack(403, Messages.ReviewsPage_NotPermitted(RiskGatePermissions.APPROVE.name));
            }
            Review review = new Review(deployment, url, author, Instant.now(), summary);
            IncidentStore.Change change = store.incidents().review(review);
            Telemetry.review(change);
            if (change != IncidentStore.Change.UNCHANGED) {
                EventDelivery.send(DeliveryEvent.reviewAdded(review, record.get().pipeline(), record.get().environment()), null);
            }
        } catch (RiskGateException e) {
            return HttpResponses.errorWithoutStack(400, e.getMessage());
        }
        return HttpResponses.redirectToDot();
    }
}
