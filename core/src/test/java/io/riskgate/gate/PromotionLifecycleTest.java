package io.riskgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.gate.PromotionLifecycle.Event;
import io.riskgate.rollback.RollbackPlan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The promotion state machine, event by event. */
class PromotionLifecycleTest {
    /** Plays events from the start; a refused event is shown as "(refused)". */
    static String play(String events, boolean verifies, boolean rollsBack) {
        PromotionState state = null;
        List<String> out = new ArrayList<>();
        for (String e : events.split(" ")) {
            var next = PromotionLifecycle.next(state, Event.valueOf(e), verifies, rollsBack);
            if (next.isPresent()) {
                state = next.get();
                out.add(state.name());
            } else {
                out.add("(refused)");
            }
        }
        return String.join(" ", out);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            allowed, deployed                   | ALLOWED TURN BODY_SUCCEEDED                          | false | false | QUEUED RUNNING SUCCEEDED
            waits its turn                      | ALLOWED ENVIRONMENT_BUSY TURN BODY_SUCCEEDED         | false | false | QUEUED QUEUED RUNNING SUCCEEDED
            approved then deployed              | NEEDS_APPROVAL APPROVED TURN BODY_SUCCEEDED          | false | true  | WAITING_FOR_APPROVAL QUEUED RUNNING SUCCEEDED
            a late timeout changes nothing      | NEEDS_APPROVAL APPROVED EXPIRED TURN                 | false | true  | WAITING_FOR_APPROVAL QUEUED (refused) RUNNING
            a decision after expiry is refused  | NEEDS_APPROVAL EXPIRED APPROVED                      | false | true  | WAITING_FOR_APPROVAL EXPIRED (refused)
            approved in a freeze                | NEEDS_APPROVAL BLOCKED                               | false | true  | WAITING_FOR_APPROVAL BLOCKED
            soak, then approval                 | SOAKING SOAKING NEEDS_APPROVAL REJECTED              | false | true  | WAITING_FOR_SOAK WAITING_FOR_SOAK WAITING_FOR_APPROVAL REJECTED
            superseded while soaking            | SOAKING SUPERSEDED                                   | false | true  | WAITING_FOR_SOAK SUPERSEDED
            superseded while queued             | ALLOWED SUPERSEDED TURN                              | false | true  | QUEUED SUPERSEDED (refused)
            a deploying promotion is never superseded | ALLOWED TURN SUPERSEDED BODY_SUCCEEDED         | false | true  | QUEUED RUNNING (refused) SUCCEEDED
            verified                            | ALLOWED TURN BODY_SUCCEEDED VERIFIED                 | true  | true  | QUEUED RUNNING VERIFYING SUCCEEDED
            verification fails, rolled back     | ALLOWED TURN BODY_SUCCEEDED VERIFICATION_FAILED ROLLBACK_SUCCEEDED | true | true | QUEUED RUNNING VERIFYING ROLLING_BACK ROLLED_BACK
            verification fails, no rollback     | ALLOWED TURN BODY_SUCCEEDED VERIFICATION_FAILED      | true  | false | QUEUED RUNNING VERIFYING FAILED
            body fails, rollback fails          | ALLOWED TURN BODY_FAILED ROLLBACK_FAILED             | true  | true  | QUEUED RUNNING ROLLING_BACK FAILED
            body fails, no rollback             | ALLOWED TURN BODY_FAILED                             | true  | false | QUEUED RUNNING FAILED
            aborted during the rollback         | ALLOWED TURN BODY_FAILED ABORTED ROLLBACK_SUCCEEDED  | false | true  | QUEUED RUNNING ROLLING_BACK ABORTED (refused)
            aborted while waiting               | NEEDS_APPROVAL ABORTED APPROVED                      | false | true  | WAITING_FOR_APPROVAL ABORTED (refused)
            blocked                             | BLOCKED ALLOWED                                      | false | true  | BLOCKED (refused)
            nothing to supersede before the gate| SUPERSEDED                                           | false | true  | (refused)
            body events need a running body     | ALLOWED BODY_SUCCEEDED                               | false | true  | QUEUED (refused)
            """)
    void lifecycle(String what, String events, boolean verifies, boolean rollsBack, String expected) {
        assertThat(play(events, verifies, rollsBack)).as(what).isEqualTo(expected);
    }

    @Test
    void statesSayWhetherTheyWaitHoldTheEnvironmentOrSettled() {
        for (PromotionState s : PromotionState.values()) {
            int kinds = (s.waits() ? 1 : 0) + (s.holdsEnvironment() ? 1 : 0) + (s.settled() ? 1 : 0);
            assertThat(kinds).as(s + " is exactly one of waiting, holding, settled").isEqualTo(1);
            if (s.deployed()) {
                assertThat(s.settled()).isTrue();
            }
        }
        assertThat(PromotionState.SUPERSEDED.settled()).isTrue();
        assertThat(PromotionState.ROLLING_BACK.holdsEnvironment()).isTrue();
    }

    @Test
    void aFailedDeploymentRollsBackOnlyWhenThePolicySaysSoAndACommandIsDeclared() {
        RollbackPlan command = new RollbackPlan("production", "./rollback.sh", null, null);
        RollbackPlan runbookOnly = new RollbackPlan("production", null, "https://runbooks.example/prod", null);
        assertThat(PromotionLifecycle.rollsBack(true, command)).isTrue();
        assertThat(PromotionLifecycle.rollsBack(false, command)).isFalse();
        assertThat(PromotionLifecycle.rollsBack(true, runbookOnly)).isFalse();
        assertThat(PromotionLifecycle.rollsBack(true, null)).isFalse();
    }

    @Test
    void aRollbackCutByRestartsRunsAtMostTwice() {
        assertThat(PromotionLifecycle.rollbackRunsAgain(0)).isTrue();
        assertThat(PromotionLifecycle.rollbackRunsAgain(1)).isTrue();
        assertThat(PromotionLifecycle.rollbackRunsAgain(2)).isFalse();
    }

    @Test
    void aStopAbortsAPromotionThatWaitsVerifiesOrRollsBackButNotARunningDeploymentOrASettledOne() {
        for (PromotionState s : PromotionState.values()) {
            boolean expected = s.waits() || s == PromotionState.VERIFYING || s == PromotionState.ROLLING_BACK;
            assertThat(PromotionLifecycle.stopAborts(s)).as(s.name()).isEqualTo(expected);
        }
        assertThat(PromotionLifecycle.stopAborts(null)).isFalse();
    }

    @Test
    void aChangeRecordIsLeftWhenTheDeploymentRanOrWasStoppedAfterItBegan() {
        for (PromotionState s : PromotionState.values()) {
            assertThat(s.leavesChangeRecord(false)).as(s.name()).isEqualTo(s.deployed());
        }
        assertThat(PromotionState.ABORTED.leavesChangeRecord(true)).isTrue();
        assertThat(PromotionState.SUPERSEDED.leavesChangeRecord(true)).isFalse();
        assertThat(PromotionState.ROLLED_BACK.leavesChangeRecord(false)).isTrue();
    }
}
