package io.riskgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskgate.gate.EnvironmentLane.Claim;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** One pipeline's promotions into one environment: who holds it, who queues, who is superseded. */
class EnvironmentLaneTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    static Claim claim(int build) {
        return new Claim("p" + build, build, T0.plusSeconds(build));
    }

    /**
     * Plays steps on a lane and returns what happened, step by step: {@code +N} build N arrives (the
     * gate did not block it), {@code >N} it asks to deploy, {@code -N} it settles.
     * Answers: {@code ok}, {@code outdated:M} (superseded on arrival by build M), {@code supersedes:A/B},
     * {@code holds}, {@code queued:P behind H}, {@code next:N} (whose turn it is after a settle), {@code -}.
     */
    static String play(String steps) {
        EnvironmentLane lane = new EnvironmentLane();
        List<String> out = new ArrayList<>();
        int t = 0;
        for (String step : steps.split(" ")) {
            int build = Integer.parseInt(step.substring(1));
            Instant now = T0.plusSeconds(100 + t++);
            switch (step.charAt(0)) {
                case '+' -> {
                    EnvironmentLane.Arrival a = lane.arrive(claim(build));
                    out.add(a.outdated() ? "outdated:" + a.supersededBy()
                            : a.superseded().isEmpty() ? "ok"
                            : "supersedes:" + String.join("/", a.superseded().stream().map(c -> String.valueOf(c.build())).toList()));
                }
                case '>' -> {
                    EnvironmentLane.Turn turn = lane.take("p" + build, now);
                    out.add(turn.granted() ? "holds" : "queued:" + turn.position() + " behind " + turn.holder().build());
                }
                case '-' -> out.add(lane.leave("p" + build).map(c -> "next:" + c.build()).orElse("-"));
                default -> throw new IllegalArgumentException(step);
            }
        }
        return String.join(", ", out);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            one promotion holds and settles                  | +1 >1 -1                   | ok, holds, -
            a second build queues and gets its turn          | +1 >1 +2 >2 -1 -2          | ok, holds, ok, queued:1 behind 1, next:2, -
            a third build supersedes the queued second       | +1 >1 +2 >2 +3 >3 -1 -3    | ok, holds, ok, queued:1 behind 1, supersedes:2, queued:1 behind 1, next:3, -
            a newer build supersedes one waiting for approval| +1 +2 >2 -2                | ok, supersedes:1, holds, -
            an older build arriving late is outdated         | +2 >2 -2 +1                | ok, holds, -, outdated:2
            the holder is never superseded                   | +1 >1 +2 -1 >2             | ok, holds, ok, -, holds
            a superseded build asking to deploy is refused   | +5 >5 +6 +7 >7 -5 -7       | ok, holds, ok, supersedes:6, queued:1 behind 5, next:7, -
            the same build promotes twice                    | +1 >1 -1 +1 >1             | ok, holds, -, ok, holds
            """)
    void lanes(String what, String steps, String expected) {
        assertThat(play(steps)).as(what).isEqualTo(expected);
    }

    @Test
    void aSupersededPromotionCannotAskToDeploy() {
        EnvironmentLane lane = new EnvironmentLane();
        lane.arrive(claim(1));
        lane.arrive(claim(2));
        assertThatThrownBy(() -> lane.take("p1", T0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("superseded");
    }

    @Test
    void queuedPromotionsAreOrderedByWhenTheyAskedNotByArrival() {
        EnvironmentLane lane = new EnvironmentLane();
        lane.restore(claim(1), EnvironmentLane.Standing.HOLDS);
        // after a restart the queued ones come back in any order; their times order them
        lane.restore(new Claim("b", 3, T0.plusSeconds(50)), EnvironmentLane.Standing.QUEUED);
        lane.restore(new Claim("a", 3, T0.plusSeconds(20)), EnvironmentLane.Standing.QUEUED);
        assertThat(lane.queue()).extracting(Claim::id).containsExactly("a", "b");
        assertThat(lane.leave("p1")).map(Claim::id).hasValue("a");
        assertThat(lane.leave("a")).map(Claim::id).hasValue("b");
    }

    @Test
    void aHolderWhoseBuildIsGoneFreesTheEnvironmentForTheNext() {
        EnvironmentLane lane = new EnvironmentLane();
        lane.restore(claim(1), EnvironmentLane.Standing.HOLDS);
        lane.restore(claim(2), EnvironmentLane.Standing.QUEUED);
        lane.restore(claim(3), EnvironmentLane.Standing.QUEUED);
        Set<String> gone = Set.of("p1", "p2");
        assertThat(lane.evict(c -> gone.contains(c.id()))).map(Claim::build).hasValue(3);
        assertThat(lane.holder()).map(Claim::build).hasValue(3);
        assertThat(lane.evict(c -> false)).isEmpty();
        assertThat(lane.leave("p3")).isEmpty();
        assertThat(lane.isEmpty()).isTrue();
    }

    @Test
    void restoringDoesNotSupersedeButRemembersTheNewestBuild() {
        EnvironmentLane lane = new EnvironmentLane();
        lane.restore(claim(4), EnvironmentLane.Standing.WAITING);
        lane.restore(claim(2), EnvironmentLane.Standing.WAITING);
        assertThat(lane.standing("p2")).hasValue(EnvironmentLane.Standing.WAITING);
        assertThat(lane.arrive(claim(3)).supersededBy()).isEqualTo(4);
        lane.seen(9);
        assertThat(lane.arrive(claim(5)).supersededBy()).isEqualTo(9);
        assertThat(lane.arrive(claim(9)).superseded()).extracting(Claim::build).containsExactlyInAnyOrder(4, 2);
    }
}
