package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The index of promotions waiting for approval: registered, removed, and listed per person. */
class WaitingPromotionsTest {
    private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

    private static WaitingPromotions.Entry entry(String id, String pipeline, int build, int minutes) {
        return new WaitingPromotions.Entry(id, pipeline, build, "production", T.plusSeconds(60L * minutes));
    }

    private static List<String> ids(List<WaitingPromotions.Listed> listed) {
        return listed.stream().map(l -> l.entry().id()).toList();
    }

    @Test
    void aPromotionIsListedOnceFromWhenItWaitsUntilItIsRemoved() {
        WaitingPromotions index = new WaitingPromotions();
        index.register(entry("a", "shop", 7, 0));
        index.register(entry("a", "shop", 7, 0));   // registered again after a restart
        assertThat(ids(index.visibleTo(Visibility.everything()))).containsExactly("a");
        assertThat(index.remove("a")).isTrue();
        assertThat(index.remove("a")).as("a second removal finds nothing").isFalse();
        assertThat(index.visibleTo(Visibility.everything())).isEmpty();
    }

    @Test
    void theLongestWaitingComeFirst() {
        WaitingPromotions index = new WaitingPromotions();
        index.register(entry("late", "web", 3, 30));
        index.register(entry("early", "shop", 9, 5));
        index.register(entry("middle", "api", 1, 10));
        assertThat(ids(index.visibleTo(Visibility.everything()))).containsExactly("early", "middle", "late");
    }

    @Test
    void eachPersonSeesTheReadablePipelinesAndMayDecideWhereTheyMayApprove() {
        WaitingPromotions index = new WaitingPromotions();
        index.register(entry("s", "team-a/shop", 1, 0));
        index.register(entry("w", "team-a/web", 2, 1));
        index.register(entry("x", "secret", 3, 2));
        Visibility reader = Visibility.of(List.of("team-a/shop", "team-a/web"), List.of("team-a/web", "secret"), false);
        List<WaitingPromotions.Listed> seen = index.visibleTo(reader);
        assertThat(ids(seen)).as("an unreadable pipeline's promotion is not listed, even where one may approve").containsExactly("s", "w");
        assertThat(seen.get(0).approvable()).isFalse();
        assertThat(seen.get(1).approvable()).isTrue();
        assertThat(index.visibleTo(Visibility.of(List.of(), List.of(), true))).isEmpty();
        assertThat(index.visibleTo(Visibility.everything())).allMatch(WaitingPromotions.Listed::approvable).hasSize(3);
    }

    @Test
    void aDeletedBuildOrPipelineTakesItsPromotionsAlong() {
        WaitingPromotions index = new WaitingPromotions();
        index.register(entry("s7", "team/shop", 7, 0));
        index.register(entry("s7b", "team/shop", 7, 1));
        index.register(entry("s8", "team/shop", 8, 2));
        index.register(entry("shopping", "team/shopping", 1, 3));
        index.register(entry("w", "team/web", 1, 4));
        assertThat(index.removeBuild("team/shop", 7)).isEqualTo(2);
        assertThat(ids(index.visibleTo(Visibility.everything()))).containsExactly("s8", "shopping", "w");
        assertThat(index.removePipeline("team/shop")).as("team/shopping is another pipeline").isEqualTo(1);
        assertThat(ids(index.visibleTo(Visibility.everything()))).containsExactly("shopping", "w");
        assertThat(index.removePipeline("team")).as("a deleted folder takes its pipelines").isEqualTo(2);
        assertThat(index.size()).isZero();
    }

    @Test
    void aRenamedPipelineOrFolderKeepsItsPromotionsUnderTheNewName() {
        WaitingPromotions index = new WaitingPromotions();
        index.register(entry("s", "team/shop", 7, 0));
        index.register(entry("o", "other", 1, 1));
        index.renamePipeline("team", "squad");
        assertThat(index.visibleTo(Visibility.everything())).extracting(l -> l.entry().pipeline()).containsExactly("squad/shop", "other");
        Visibility squad = Visibility.of(List.of("squad/shop"), List.of("squad/shop"), false);
        assertThat(index.visibleTo(squad)).singleElement().satisfies(l -> {
            assertThat(l.entry().build()).isEqualTo(7);
            assertThat(l.approvable()).isTrue();
        });
    }
}
