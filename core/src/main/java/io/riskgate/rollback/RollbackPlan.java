package io.riskgate.rollback;

import io.riskgate.RiskGateException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * How to undo a deployment of one environment: a command, a runbook, or both; and when the
 * rollback was last exercised (a rehearsal or game day counts), if known.
 *
 * @param command a shell command run in the deployment's workspace, or null
 * @param runbook an http(s) URL of the written procedure, or null
 * @param lastExercised when the rollback last ran for real or in a rehearsal, or null if never known
 */
public record RollbackPlan(String environment, String command, String runbook, Instant lastExercised) {
    public RollbackPlan {
        if (environment == null || environment.isBlank()) {
            throw new RiskGateException("a rollback plan needs an environment: declare it as declareRollback(environment: 'production', ...)");
        }
        command = blankToNull(command);
        runbook = blankToNull(runbook);
        if (command == null && runbook == null) {
            throw new RiskGateException("the rollback plan for '" + environment + "' has neither a command nor a runbook: give at least one");
        }
        if (runbook != null) {
            String scheme = schemeOf(runbook);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new RiskGateException("the runbook of '" + environment + "' must be an http(s) URL (got '" + runbook + "')");
            }
        }
    }

    public boolean hasCommand() {
        return command != null;
    }

    /** Whether the rollback was exercised no longer than {@code maxAge} before {@code now}. */
    public boolean exercisedWithin(Duration maxAge, Instant now) {
        return lastExercised != null && !lastExercised.isBefore(now.minus(maxAge));
    }

    /** This plan, exercised at {@code when} (a rollback that ran, or a rehearsal). */
    public RollbackPlan exercisedAt(Instant when) {
        return new RollbackPlan(environment, command, runbook, lastExercised == null || when.isAfter(lastExercised) ? when : lastExercised);
    }

    private static String schemeOf(String url) {
        try {
            String scheme = URI.create(url.strip()).getScheme();
            return scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
