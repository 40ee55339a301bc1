package io.riskgate.gate;

import io.riskgate.policy.VerificationRules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The schedule and the verdict of the checks after a deployment ({@link VerificationRules}): given
 * the checks so far, whether to run another one and when, or whether the verification passed or
 * failed, and why.
 */
public final class Verification {
    /** The most characters of a check's output kept for the log, the build page and the record. */
    public static final int OUTPUT_LIMIT = 4000;

    private Verification() {
    }

    /** One run of the command: when it began, whether it passed, how long it took, its output's end (bounded). */
    public record Check(Instant at, boolean passed, Duration took, String output) {
        public Check {
            output = tail(output);
        }
    }

    /** What comes next. */
    public enum Verdict { CHECK, PASSED, FAILED }

    /**
     * @param runAt when to run the next check ({@link Verdict#CHECK} only)
     * @param reason in words, for the log, the page and the record ({@link Verdict#PASSED}, {@link Verdict#FAILED})
     */
    public record Next(Verdict verdict, Instant runAt, String reason) {
    }

    /**
     * @param started when the verification began (the deployment's body ended)
     * @param checks the checks so far, oldest first
     * @param now the time of the decision
     */
    public static Next next(VerificationRules rules, Instant started, List<Check> checks, Instant now) {
        Instant deadline = started.plus(rules.within());
        if (checks.isEmpty()) {
            return new Next(Verdict.CHECK, started, null);
        }
        Check last = checks.get(checks.size() - 1);
        int inRow = 0;
        for (int i = checks.size() - 1; i >= 0 && checks.get(i).passed(); i--) {
            inRow++;
        }
        String counted = checks.size() + (checks.size() == 1 ? " check" : " checks") + " in " + words(Duration.between(started, now));
        if (rules.passes() == null) {
            if (!last.passed()) {
                return new Next(Verdict.FAILED, null, "check " + checks.size() + " of '" + rules.command() + "' failed, "
                        + words(Duration.between(started, last.at())) + " after the deployment; every check must pass for "
                        + words(rules.within()));
            }
        } else if (inRow >= rules.passes()) {
            return new Next(Verdict.PASSED, null, "'" + rules.command() + "' passed " + times(inRow) + " in a row (" + counted + ")");
        }
        Instant nextAt = last.at().plus(rules.every());
        Instant lastEnd = last.at().plus(last.took());
        if (nextAt.isBefore(lastEnd)) {
            nextAt = lastEnd;
        }
        if (nextAt.isAfter(deadline)) {
            return rules.passes() == null
                    ? new Next(Verdict.PASSED, null, "every check of '" + rules.command() + "' passed for " + words(rules.within())
                    + " (" + counted + ")")
                    : new Next(Verdict.FAILED, null, "'" + rules.command() + "' did not pass " + times(rules.passes())
                    + " in a row within " + words(rules.within()) + " (" + counted + ", the last one "
                    + (last.passed() ? "passed" : "failed") + ")");
        }
        return new Next(Verdict.CHECK, nextAt, null);
    }

    /** The end of a check's output, at most {@link #OUTPUT_LIMIT} characters, with a marker where it was cut. */
    public static String tail(String output) {
        if (output == null) {
            return "";
        }
        return output.length() <= OUTPUT_LIMIT ? output : "[...]" + output.substring(output.length() - OUTPUT_LIMIT + 5);
    }

    private static String times(int n) {
        return n == 1 ? "once" : n + " times";
    }

    static String words(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return s >= 3600 ? s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m")
                : s >= 60 ? s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s") : s + "s";
    }
}
