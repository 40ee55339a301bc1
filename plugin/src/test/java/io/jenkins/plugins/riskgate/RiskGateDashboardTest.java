package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.model.Job;
import hudson.security.AccessControlled;
import hudson.security.Permission;
import io.riskgate.RiskGateException;
import io.riskgate.records.Outcome;
import io.riskgate.records.RecordQuery;
import io.riskgate.records.Visibility;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.Test;

/** The dashboard's decisions without a running Jenkins: who gets in, and how its filters read. */
class RiskGateDashboardTest {
    /** Answers permission questions from a fixed set of global grants; no job exists. */
    static class FakeJenkins extends JenkinsFacade {
        final Set<Permission> global;
        final List<String> asked = new ArrayList<>();

        FakeJenkins(Permission... global) {
            this.global = Set.of(global);
        }

        @Override
        public boolean hasPermission(Permission permission) {
            asked.add(permission.getId());
            return global.contains(permission);
        }

        @Override
        public boolean hasPermission(Permission permission, AccessControlled item) {
            return item == null && hasPermission(permission);
        }

        @Override
        public List<Job<?, ?>> readableJobs() {
            return List.of();
        }
    }

    @Test
    void administratorsSeeEverythingWithoutTheJobsBeingVisited() {
        FakeJenkins admin = new FakeJenkins(Jenkins.ADMINISTER) {
            @Override
            public List<Job<?, ?>> readableJobs() {
                throw new AssertionError("an administrator's visibility needs no job");
            }
        };
        Visibility v = RiskGateDashboard.visibility(admin);
        assertThat(v.everythingVisible()).isTrue();
        assertThat(v.opensDashboard()).isTrue();
    }

    @Test
    void aGlobalApproveOpensThePageButShowsNoJobItsHolderCannotRead() {
        Visibility v = RiskGateDashboard.visibility(new FakeJenkins(RiskGatePermissions.APPROVE));
        assertThat(v.opensDashboard()).isTrue();
        assertThat(v.everythingVisible()).isFalse();
        assertThat(v.pipelines()).isEmpty();
        assertThat(v.narrow(RecordQuery.ALL).selectsNothing()).isTrue();
    }

    @Test
    void withoutApproveAnywhereThePageStaysClosed() {
        FakeJenkins reader = new FakeJenkins(Jenkins.READ);
        Visibility v = RiskGateDashboard.visibility(reader);
        assertThat(v.opensDashboard()).isFalse();
        assertThat(new RiskGateDashboard(reader).getIconFileName()).as("no link in the side panel").isNull();
        assertThat(new RiskGateDashboard(new FakeJenkins(RiskGatePermissions.APPROVE)).getIconFileName()).isNotNull();
    }

    @Test
    void filtersReadTheQueryParameters() {
        Map<String, String> params = Map.of("job", " team-a/web ", "environment", "production", "since", "2026-11-01",
                "until", "2026-12-01T12:00:00Z", "outcome", "failed", "level", "high", "page", "3");
        RiskGateDashboard.Filters f = RiskGateDashboard.Filters.of(params::get);
        assertThat(f.job()).isEqualTo("team-a/web");
        assertThat(f.page()).isEqualTo(3);
        RecordQuery q = f.query();
        assertThat(q.pipeline()).isEqualTo("team-a/web");
        assertThat(q.since()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(q.until()).isEqualTo(Instant.parse("2026-12-01T12:00:00Z"));
        assertThat(q.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(q.riskLevel()).isEqualTo("HIGH");
        assertThat(q.pipelines()).as("visibility narrows later").isNull();
        assertThat(f.withPage(0)).isEqualTo("?page=0&job=team-a%2Fweb&environment=production&since=2026-11-01"
                + "&until=2026-12-01T12%3A00%3A00Z&outcome=failed&level=high");
    }

    @Test
    void badFiltersSayWhatIsExpected() {
        assertThat(RiskGateDashboard.Filters.of(Map.of("page", "-2")::get).page()).isZero();
        assertThat(RiskGateDashboard.Filters.of(Map.of("page", "many")::get).page()).isZero();
        assertThatThrownBy(() -> RiskGateDashboard.Filters.of(Map.of("outcome", "MAYBE")::get).query())
                .isInstanceOf(RiskGateException.class).hasMessage("outcome must be SUCCEEDED, FAILED or ROLLED_BACK (got 'MAYBE')");
        assertThatThrownBy(() -> RiskGateDashboard.Filters.of(Map.of("since", "yesterday")::get).query())
                .isInstanceOf(RiskGateException.class).hasMessage("since must be a date like 2026-11-01 (got 'yesterday')");
    }
}
