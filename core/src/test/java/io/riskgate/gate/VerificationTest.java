package io.riskgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskgate.policy.PolicyException;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.VerificationRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The checks after a deployment: when the next one runs, and when the verification passed or failed. */
class VerificationTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /**
     * Runs the schedule with check results given in order ('p' passes, 'f' fails; each check takes 1 s)
     * and returns the seconds at which checks ran, then the verdict.
     */
    static String play(VerificationRules rules, String results) {
        List<Verification.Check> checks = new ArrayList<>();
        List<String> at = new ArrayList<>();
        int i = 0;
        Instant now = T0;
        while (true) {
            Verification.Next next = Verification.next(rules, T0, checks, now);
            if (next.verdict() != Verification.Verdict.CHECK) {
                return String.join(" ", at) + " -> " + next.verdict();
            }
            if (i >= results.length()) {
                return String.join(" ", at) + " -> (more checks)";
            }
            Instant runAt = next.runAt().isBefore(now) ? now : next.runAt();
            at.add(String.valueOf(Duration.between(T0, runAt).getSeconds()));
            checks.add(new Verification.Check(runAt, results.charAt(i++) == 'p', Duration.ofSeconds(1), "out"));
            now = runAt.plusSeconds(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            passes at once                          | 1   | 10s | 60s | p          | 0 -> PASSED
            fails, then passes (starting up)        | 1   | 10s | 60s | ffp        | 0 10 20 -> PASSED
            never passes within the duration        | 1   | 10s | 30s | ffffff     | 0 10 20 30 -> FAILED
            three in a row                          | 3   | 10s | 60s | ppp        | 0 10 20 -> PASSED
            a failure resets the count              | 3   | 10s | 60s | ppfppp     | 0 10 20 30 40 50 -> PASSED
            not three in a row in time              | 3   | 10s | 40s | ppfpp      | 0 10 20 30 40 -> FAILED
            all: every check for the duration       | all | 10s | 30s | pppp       | 0 10 20 30 -> PASSED
            all: the first failure fails            | all | 10s | 30s | ppf        | 0 10 20 -> FAILED
            a slow check delays the next            | 1   | 1s  | 5s  | ffffff     | 0 1 2 3 4 5 -> FAILED
            """)
    void schedule(String what, String passes, String every, String within, String results, String expected) {
        VerificationRules rules = VerificationRules.of("./smoke.sh", every, within, passes, null);
        assertThat(play(rules, results)).as(what).isEqualTo(expected);
    }

    @Test
    void reasonsSayWhatHappened() {
        VerificationRules rules = VerificationRules.of("./smoke.sh", "10s", "30s", "2", null);
        List<Verification.Check> checks = List.of(new Verification.Check(T0, true, Duration.ofSeconds(1), ""),
                new Verification.Check(T0.plusSeconds(10), false, Duration.ofSeconds(1), ""),
                new Verification.Check(T0.plusSeconds(20), true, Duration.ofSeconds(1), ""),
                new Verification.Check(T0.plusSeconds(30), false, Duration.ofSeconds(1), ""));
        assertThat(Verification.next(rules, T0, checks, T0.plusSeconds(31)).reason())
                .isEqualTo("'./smoke.sh' did not pass 2 times in a row within 30s (4 checks in 31s, the last one failed)");
        VerificationRules all = VerificationRules.of("./smoke.sh", "10s", "30s", "all", null);
        assertThat(Verification.next(all, T0, checks.subList(0, 2), T0.plusSeconds(11)).reason())
                .isEqualTo("check 2 of './smoke.sh' failed, 10s after the deployment; every check must pass for 30s");
    }

    @Test
    void outputIsBoundedToItsEnd() {
        String out = "x".repeat(10_000) + "THE END";
        Verification.Check check = new Verification.Check(T0, false, Duration.ZERO, out);
        assertThat(check.output()).hasSize(Verification.OUTPUT_LIMIT).startsWith("[...]").endsWith("THE END");
        assertThat(new Verification.Check(T0, true, Duration.ZERO, null).output()).isEmpty();
    }

    @Test
    void theDefaultsAndTheTimeoutOfEachCheck() {
        VerificationRules rules = VerificationRules.of("./smoke.sh", null, null, null, null);
        assertThat(rules.every()).isEqualTo(Duration.ofSeconds(30));
        assertThat(rules.within()).isEqualTo(Duration.ofMinutes(5));
        assertThat(rules.passes()).isEqualTo(1);
        assertThat(rules.timeout()).isEqualTo(Duration.ofSeconds(30)).as("no longer than the interval");
        assertThat(rules.describe()).isEqualTo("1 pass within 5m, checked every 30s (each at most 30s)");
        assertThat(VerificationRules.of("c", "5s", "1m", "all", "2s").describe())
                .isEqualTo("every check passes for 1m, checked every 5s (each at most 2s)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''     | 10s    | 1m  | 1   | a verification needs a command
            c      | 2m     | 1m  | 1   | is longer than verify.for
            c      | 1s     | 25h | 1   | at most 24h
            c      | 1s     | 24h | 1   | at most 10000 checks
            c      | 10s    | 1m  | 0   | verify.passes: 1 to 10000
            c      | 10s    | 1m  | some| verifyPasses: a number of passes in a row, or 'all'
            c      | soon   | 1m  | 1   | verifyEvery: must be a duration
            """)
    void badRulesAreRefusedWithTheField(String command, String every, String within, String passes, String message) {
        assertThatThrownBy(() -> VerificationRules.of(command, every, within, passes, null))
                .isInstanceOf(PolicyException.class).hasMessageContaining(message);
    }

    @Test
    void aPolicyDeclaresVerificationPerEnvironment() {
        var policy = PolicyLoader.parse(String.join("\n",
                "environments:",
                "  - name: staging",
                "    verify: ./smoke.sh",
                "  - name: production",
                "    verify: {command: './health.sh --strict', every: 15s, for: 10m, passes: 3, timeout: 5s}",
                ""), "p.yml").promotion();
        assertThat(policy.environment("staging").verify()).isEqualTo(new VerificationRules("./smoke.sh", null, null, 1, null));
        VerificationRules prod = policy.environment("production").verify();
        assertThat(prod.command()).isEqualTo("./health.sh --strict");
        assertThat(prod.every()).isEqualTo(Duration.ofSeconds(15));
        assertThat(prod.within()).isEqualTo(Duration.ofMinutes(10));
        assertThat(prod.passes()).isEqualTo(3);
        assertThat(prod.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> PolicyLoader.parse(String.join("\n", "environments:", "  - name: dev",
                "    verify: {command: x, every: 5m, for: 1m}", ""), "p.yml"))
                .hasMessageContaining("environments[0].verify: every (5m) is longer than verify.for (1m)");
        assertThatThrownBy(() -> PolicyLoader.parse(String.join("\n", "environments:", "  - name: dev",
                "    verify: {every: 5m}", ""), "p.yml"))
                .hasMessageContaining("environments[0].verify.command");
    }
}
