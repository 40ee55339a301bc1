package io.riskgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.policy.EnvironmentRules;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.risk.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A waiting promotion, decision by decision: refusals, counting, approval, freeze recheck, rejection, timeout. */
class ApprovalWaitTest {
    /** Tuesday 2026-12-15 10:00 UTC; the year-end freeze starts on the 20th. */
    static final Instant T0 = Instant.parse("2026-12-15T10:00:00Z");

    static final EnvironmentRules PROD = PolicyLoader.parse(String.join("\n",
            "environments:",
            "  - name: staging",
            "  - name: production",
            "    approvalTimeout: 72h",
            "    freeze: [{name: year-end, from: 2026-12-20, to: 2027-01-04}]",
            "    approvers:",
            "      required: 2",
            "      rules: [{groups: [release-managers]}, {groups: [security]}]",
            ""), "p.yml").promotion().environment("production");

    static final PromotionCandidate CHANGE = new PromotionCandidate("c".repeat(40), 62, Level.HIGH, List.of("dave@example.com"));

    static Approval approval(String id, String group, boolean approved, Instant at) {
        return new Approval(new Approver(id, id + "@example.com", List.of(group)), approved, at, null);
    }

    /** Plays decisions "user:group" (a leading ! rejects), each an hour after the one before; returns the kinds. */
    static List<ApprovalWait.Kind> play(String decisions, Instant start) {
        List<Approval> counted = new ArrayList<>();
        List<ApprovalWait.Kind> kinds = new ArrayList<>();
        Instant at = start;
        for (String d : decisions.split(" ")) {
            boolean approve = !d.startsWith("!");
            String[] p = (approve ? d : d.substring(1)).split(":");
            Approval a = approval(p[0], p[1], approve, at);
            ApprovalWait.Transition t = ApprovalWait.decide(PROD, CHANGE, counted, a, "carol", ApprovalCheck.caseInsensitive());
            kinds.add(t.kind());
            if (t.kind() != ApprovalWait.Kind.REFUSED) {
                counted.add(a);
            }
            if (t.settles()) {
                break;
            }
            at = at.plus(Duration.ofHours(1));
        }
        return kinds;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "alice:release-managers bob:security                     | 2026-12-15T10:00:00Z | COUNTED APPROVED",
            "alice:release-managers erin:release-managers bob:security | 2026-12-15T10:00:00Z | COUNTED COUNTED APPROVED",
            "dave:release-managers alice:release-managers bob:security | 2026-12-15T10:00:00Z | REFUSED COUNTED APPROVED",
            "carol:security alice:release-managers bob:security      | 2026-12-15T10:00:00Z | REFUSED COUNTED APPROVED",
            "zed:developers alice:release-managers !bob:security      | 2026-12-15T10:00:00Z | REFUSED COUNTED REJECTED",
            "!zed:developers alice:release-managers bob:security      | 2026-12-15T10:00:00Z | REFUSED COUNTED APPROVED",
            // the second approval lands at 00:00 on the 20th, inside the freeze: the recheck blocks it
            "alice:release-managers bob:security                     | 2026-12-19T23:00:00Z | COUNTED FROZEN",
    })
    void decisionsMoveThePromotionOneStepAtATime(String decisions, String start, String kinds) {
        assertThat(play(decisions, Instant.parse(start))).extracting(Enum::name).containsExactly(kinds.split(" "));
    }

    @Test
    void theReasonsSayWhoApprovedAndWhatIsMissing() {
        Approval alice = approval("alice", "release-managers", true, T0);
        ApprovalWait.Transition first = ApprovalWait.decide(PROD, CHANGE, List.of(), alice, null, ApprovalCheck.caseInsensitive());
        assertThat(first.reason()).isEqualTo("approved by alice; approved so far by alice (release-managers), still missing: "
                + "1 more approval (2 required, 1 so far), 1 from security (1 required, 0 so far)");
        Approval bob = approval("bob", "security", true, T0.plusSeconds(60));
        ApprovalWait.Transition second = ApprovalWait.decide(PROD, CHANGE, List.of(alice), bob, null, ApprovalCheck.caseInsensitive());
        assertThat(second.kind()).isEqualTo(ApprovalWait.Kind.APPROVED);
        assertThat(second.reason()).isEqualTo("approved by bob; approved by alice (release-managers), bob (security)");
        ApprovalWait.Transition frozen = ApprovalWait.decide(PROD, CHANGE, List.of(alice),
                approval("bob", "security", true, Instant.parse("2026-12-21T09:00:00Z")), null, ApprovalCheck.caseInsensitive());
        assertThat(frozen.reason()).startsWith("approved by bob; approved by alice (release-managers), bob (security), but production is frozen: year-end");
    }

    @ParameterizedTest(name = "waiting since {0}, now {1}: expired {2}")
    @CsvSource({
            "2026-12-15T10:00:00Z, 2026-12-18T09:59:59Z, false",
            "2026-12-15T10:00:00Z, 2026-12-18T10:00:00Z, true",
            "2026-12-15T10:00:00Z, 2026-12-19T00:00:00Z, true",
    })
    void theApprovalTimeoutEndsTheWait(String since, String now, boolean expired) {
        Instant at = ApprovalWait.expiresAt(PROD, Instant.parse(since)).orElseThrow();
        assertThat(!Instant.parse(now).isBefore(at)).isEqualTo(expired);
        assertThat(ApprovalWait.expiredReason(PROD, Quorum.evaluate(PROD, List.of(approval("alice", "release-managers", true, T0)),
                ApprovalCheck.caseInsensitive(), null, CHANGE.authors())))
                .isEqualTo("no decision within the approval timeout of 3d in production; approved by alice (release-managers);"
                        + " still missing: 1 more approval (2 required, 1 so far), 1 from security (1 required, 0 so far)");
        EnvironmentRules staging = PolicyLoader.parse("environments:\n  - name: staging\n", "p.yml").promotion().environment("staging");
        assertThat(ApprovalWait.expiresAt(staging, T0)).isEmpty();
    }
}
