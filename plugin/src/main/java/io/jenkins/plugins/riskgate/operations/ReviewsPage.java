package io.jenkins.plugins.riskgate.operations;

import hudson.Extension;
import hudson.model.RootAction;
import hudson.model.User;
import io.jenkins.plugins.riskgate.ChangeRecords;
import io.jenkins.plugins.riskgate.RiskGatePermissions;
import io.riskgate.RiskGateException;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.IncidentStore;
import io.riskgate.records.RecordQuery;
import io.riskgate.records.Review;
import io.riskgate.report.DeliveryReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * a post-incident review, with their age, and a form that attaches one. Release managers (the
 * <em>Approve</em> permission) see and use it; the form posts with a crumb.
 */
@Extension
@Restricted(NoExternalUse.class)
public class ReviewsPage implements RootAction, StaplerProxy {
    static final int LISTED = 200;

    private static boolean permitted() {
        Jenkins j = Jenkins.get();
        return j.hasPermission(Jenkins.ADMINISTER) || j.hasPermission(RiskGatePermissions.APPROVE);
    }

    @Override
    public Object getTarget() {
        if (!permitted()) {
            Jenkins.get().checkPermission(RiskGatePermissions.APPROVE);
        }
        return this;
    }

    @Override
    public String getIconFileName() {
        return permitted() ? "symbol-document-text-outline plugin-ionicons-api" : null;
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

        Row(String deployment, String pipeline, String environment, String commit, String finished, String why, String age) {
            this.deployment = deployment;
            this.pipeline = pipeline;
            this.environment = environment;
            this.commit = commit;
            this.finished = finished;
            this.why = why;
            this.age = age;
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
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            return store.incidents().awaitingReview(RecordQuery.ALL, LISTED).stream()
                    .map(a -> new Row(a.deploymentId(), a.pipeline(), a.environment(), a.commit().substring(0, Math.min(10, a.commit().length())),
                            a.finishedAt().toString(), a.why(), DeliveryReport.duration((double) Duration.between(a.finishedAt(), now).toSeconds())))
                    .toList();
        }
    }

    @POST
    public HttpResponse doAttach(@QueryParameter String deployment, @QueryParameter String url, @QueryParameter String summary) {
        Jenkins.get().checkPermission(RiskGatePermissions.APPROVE);
        User user = User.current();
        String author = user == null ? Jenkins.ANONYMOUS2.getName() : user.getId();
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            IncidentStore.Change change = store.incidents().review(new Review(deployment, url, author, Instant.now(), summary));
            Telemetry.review(change);
        } catch (RiskGateException e) {
            return HttpResponses.errorWithoutStack(400, e.getMessage());
        }
        return HttpResponses.redirectToDot();
    }
}
