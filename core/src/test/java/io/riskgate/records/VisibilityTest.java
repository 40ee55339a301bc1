package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VisibilityTest {
    @Test
    void aPersonSeesTheReadablePipelinesAndDecidesWhereTheyMayApprove() {
        Visibility v = Visibility.of(List.of("shop", "team-a/web", "team-a/api"), List.of("team-a/web", "team-a/api"), false);
        assertThat(v.everythingVisible()).isFalse();
        assertThat(v.maySee("shop")).isTrue();
        assertThat(v.maySee("team-b/billing")).isFalse();
        assertThat(v.maySee(null)).isFalse();
        assertThat(v.mayApprove("team-a/web")).isTrue();
        assertThat(v.mayApprove("shop")).as("read only").isFalse();
        assertThat(v.opensDashboard()).as("approve on a folder's jobs opens the dashboard").isTrue();
        assertThat(v.pipelines()).containsExactly("shop", "team-a/api", "team-a/web");
    }

    @Test
    void approvingWithoutReadingIsNeitherSeeingNorDeciding() {
        Visibility v = Visibility.of(List.of("shop"), List.of("secret"), false);
        assertThat(v.maySee("secret")).isFalse();
        assertThat(v.mayApprove("secret")).isFalse();
        assertThat(v.opensDashboard()).as("no approval in a readable pipeline").isFalse();
    }

    @Test
    void readingAloneDoesNotOpenTheDashboardButAGlobalApproveDoes() {
        assertThat(Visibility.of(List.of("shop"), List.of(), false).opensDashboard()).isFalse();
        Visibility global = Visibility.of(List.of(), List.of(), true);
        assertThat(global.opensDashboard()).as("a global grant, even before any job exists").isTrue();
        assertThat(global.narrow(RecordQuery.ALL).selectsNothing()).as("but it shows no job it cannot read").isTrue();
    }

    @Test
    void queriesAreNarrowedToTheReadablePipelinesUnlessEverythingIsVisible() {
        RecordQuery asked = new RecordQuery("production", null, null, null, Outcome.FAILED, "HIGH");
        RecordQuery narrowed = Visibility.of(List.of("b", "a"), List.of(), true).narrow(asked);
        assertThat(narrowed.pipelines()).containsExactly("a", "b");
        assertThat(narrowed.environment()).isEqualTo("production");
        assertThat(narrowed.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(narrowed.riskLevel()).isEqualTo("HIGH");
        assertThat(narrowed.window().pipelines()).as("the report's window keeps the narrowing").containsExactly("a", "b");
        assertThat(narrowed.window().outcome()).isNull();
        assertThat(narrowed.anyTime().pipelines()).containsExactly("a", "b");

        assertThat(Visibility.everything().narrow(asked)).isSameAs(asked);
        assertThat(Visibility.everything().pipelines()).isNull();
        assertThat(Visibility.everything().mayApprove("anything")).isTrue();
        assertThat(Visibility.everything().maySee("a removed job")).isTrue();
    }

    @Test
    void aJobFilterOutsideTheVisiblePipelinesSelectsNothing() {
        Visibility v = Visibility.of(List.of("shop"), List.of("shop"), false);
        assertThat(v.narrow(new RecordQuery(null, "team-b/billing", null, null)).selectsNothing()).isTrue();
        assertThat(v.narrow(new RecordQuery(null, "shop", null, null)).selectsNothing()).isFalse();
        assertThat(RecordQuery.ALL.selectsNothing()).isFalse();
    }

    @Test
    void listsKeepOnlyTheVisibleItemsInOrder() {
        Visibility v = Visibility.of(List.of("a", "c"), List.of(), false);
        assertThat(v.visible(List.of("c#1", "b#1", "a#2", "c#3"), s -> s.substring(0, 1))).containsExactly("c#1", "a#2", "c#3");
    }

    @Test
    void equalQueriesNameTheirPipelinesInOneOrder() {
        // caches key on a query's text: the same set in another order is the same query
        assertThat(RecordQuery.ALL.withPipelines(List.of("b", "a"))).isEqualTo(RecordQuery.ALL.withPipelines(List.of("a", "b")));
        assertThat(RecordQuery.ALL.withPipelines(List.of("b", "a")).toString()).isEqualTo(RecordQuery.ALL.withPipelines(List.of("a", "b")).toString());
    }
}
