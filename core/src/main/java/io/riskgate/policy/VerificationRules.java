package io.riskgate.policy;

import java.time.Duration;

/**
 * The checks after a deployment into one environment: {@code command} runs in the deployment's
 * workspace every {@code every}, each run at most {@code timeout}, for at most {@code within}. With
 * {@code passes} set, the verification passes once the command passed that many times in a row and
 * fails when {@code within} ends first; without it ({@code passes: all}), every check during
 * {@code within} must pass and the first failing one fails the verification.
 *
 * @param passes consecutive passes needed, or null when every check must pass
 */
public record VerificationRules(String command, Duration every, Duration within, Integer passes, Duration timeout) {
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_WITHIN = Duration.ofMinutes(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);
    /** The longest a verification may take, so that a promotion cannot hold its environment for days. */
    public static final Duration LONGEST = Duration.ofHours(24);
    /** The most checks one verification runs, whatever the interval. */
    public static final int MOST_CHECKS = 10_000;
    /** The longest command accepted. */
    public static final int LONGEST_COMMAND = 4096;

    public VerificationRules {
        if (command == null || command.isBlank()) {
            throw new PolicyException("verify.command: a verification needs a command to run, like './smoke-test.sh'");
        }
        if (command.length() > LONGEST_COMMAND) {
            throw new PolicyException("verify.command: at most " + LONGEST_COMMAND + " characters (got " + command.length() + ")");
        }
        every = every == null ? DEFAULT_EVERY : every;
        within = within == null ? DEFAULT_WITHIN : within;
        timeout = timeout == null ? (every.compareTo(DEFAULT_TIMEOUT) < 0 ? every : DEFAULT_TIMEOUT) : timeout;
        positive(every, "every");
        positive(within, "for");
        positive(timeout, "timeout");
        if (within.compareTo(LONGEST) > 0) {
            throw new PolicyException("verify.for: at most 24h (got " + words(within) + ")");
        }
        if (every.compareTo(within) > 0) {
            throw new PolicyException("verify.every (" + words(every) + ") is longer than verify.for (" + words(within)
                    + "): the command would run only once");
        }
        if (within.toMillis() / every.toMillis() > MOST_CHECKS) {
            throw new PolicyException("verify.every: at most " + MOST_CHECKS + " checks per verification (got every " + words(every)
                    + " for " + words(within) + ")");
        }
        if (passes != null && (passes < 1 || passes > MOST_CHECKS)) {
            throw new PolicyException("verify.passes: 1 to " + MOST_CHECKS + " passes in a row, or 'all' (got " + passes + ")");
        }
    }

    /** The rules of a {@code promote(verify: ...)} step: durations as in a policy file ('30s', '5m'), passes a number or 'all'. */
    public static VerificationRules of(String command, String every, String within, String passes, String timeout) {
        return new VerificationRules(command, duration(every, "verifyEvery"), duration(within, "verifyFor"), passes(passes, "verifyPasses"),
                duration(timeout, "verifyTimeout"));
    }

    static Duration duration(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Duration d = text.length() > 40 ? null : EnvironmentsReader.parseDuration(text);
        if (d == null) {
            throw new PolicyException(field + ": must be a duration like '30s', '5m' or '1h30m' (got '"
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "')");
        }
        return d;
    }

    static Integer passes(String text, String field) {
        if (text == null || text.isBlank()) {
            return 1;
        }
        if (text.strip().equalsIgnoreCase("all")) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw new PolicyException(field + ": a number of passes in a row, or 'all' (got '"
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "')");
        }
    }

    private static void positive(Duration d, String field) {
        if (d.isZero() || d.isNegative()) {
            throw new PolicyException("verify." + field + ": must be longer than zero (got " + words(d) + ")");
        }
    }

    /** "3 passes in a row within 5m, checked every 30s" or "every check passes for 5m, checked every 30s". */
    public String describe() {
        String goal = passes == null ? "every check passes for " + words(within)
                : passes + (passes == 1 ? " pass" : " passes in a row") + " within " + words(within);
        return goal + ", checked every " + words(every) + " (each at most " + words(timeout) + ")";
    }

    static String words(Duration d) {
        long s = d.getSeconds();
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s > 0 ? s + "s" : d.toMillis() + "ms";
    }
}
