package io.riskgate.records;

import io.riskgate.RiskGateException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The durable record of one promotion: who and what, the risk, the evidence, the rollback, the
 * approvals, the timings and the outcome, with links. The {@code id} is stable, so writing the same
 * record again (a retry, a re-import) never duplicates it.
 *
 * @param commitTime when the deployed change was committed (where lead time starts), or null
 * @param riskScore 0..100, or null when the change was not assessed
 * @param approvals the approvals and rejections as text, one per line ("user APPROVED 2026-11-24T10:00:00Z: comment"), or null
 * @param verification the checks after the deployment, or {@link Verification#NONE} when none ran
 */
public record ChangeRecord(String id, String pipeline, String environment, String commit, Instant commitTime,
                           Instant startedAt, Instant finishedAt, Outcome outcome, Integer riskScore, String riskLevel,
                           String riskModel, String startedBy, String buildUrl, String runbookUrl, String pirUrl,
                           String rollbackCommand, Instant rollbackExercisedAt, Integer testsTotal, Integer testsFailed,
                           String approvals, Metrics metrics, Verification verification) {

    /**
     * How the verification after the deployment ended: PASSED, FAILED or ABORTED, and how long it
     * ran in seconds (both null when none ran).
     */
    public record Verification(String outcome, Long seconds) {
        public static final Verification NONE = new Verification(null, null);
        private static final java.util.Set<String> OUTCOMES = java.util.Set.of("PASSED", "FAILED", "ABORTED");

        public Verification {
            if (outcome != null && !OUTCOMES.contains(outcome)) {
                throw new RiskGateException("a verification's outcome is PASSED, FAILED or ABORTED (got '"
                        + (outcome.length() > 20 ? outcome.substring(0, 20) + "..." : outcome) + "')");
            }
            if (seconds != null && seconds < 0) {
                throw new RiskGateException("a verification cannot take " + seconds + " seconds");
            }
        }
    }

    /** A record without a verification after the deployment. */
    public ChangeRecord(String id, String pipeline, String environment, String commit, Instant commitTime,
                        Instant startedAt, Instant finishedAt, Outcome outcome, Integer riskScore, String riskLevel,
                        String riskModel, String startedBy, String buildUrl, String runbookUrl, String pirUrl,
                        String rollbackCommand, Instant rollbackExercisedAt, Integer testsTotal, Integer testsFailed,
                        String approvals, Metrics metrics) {
        this(id, pipeline, environment, commit, commitTime, startedAt, finishedAt, outcome, riskScore, riskLevel, riskModel, startedBy,
                buildUrl, runbookUrl, pirUrl, rollbackCommand, rollbackExercisedAt, testsTotal, testsFailed, approvals, metrics,
                Verification.NONE);
    }

    /** This record with the verification after its deployment. */
    public ChangeRecord withVerification(Verification verification) {
        return new ChangeRecord(id, pipeline, environment, commit, commitTime, startedAt, finishedAt, outcome, riskScore, riskLevel,
                riskModel, startedBy, buildUrl, runbookUrl, pirUrl, rollbackCommand, rollbackExercisedAt, testsTotal, testsFailed,
                approvals, metrics, verification);
    }

    /**
     * The size of the deployed change and the history measures of its files and authors, as assessed
     * (all null when not assessed; the history measures null in records of assessments that did not
     * measure them).
     */
    public record Metrics(Integer linesAdded, Integer linesDeleted, Integer files, Integer directories, Integer subsystems,
                          Double entropy, Integer commits, Integer authors, Integer developers, Double age, Integer priorChanges,
                          Double authorExperience, Double recentExperience, Double subsystemExperience, Boolean fix) {
        public static final Metrics NONE = new Metrics(null, null, null, null, null, null, null, null);
        /** The names of the metrics in assessments' and records' JSON, in this order: the one place they are named. */
        public static final java.util.List<String> NAMES = java.util.List.of("linesAdded", "linesDeleted", "files", "directories",
                "subsystems", "entropy", "commits", "authors", "developers", "age", "priorChanges", "authorExperience",
                "recentExperience", "subsystemExperience", "fix");

        /** The size and spread only. */
        public Metrics(Integer linesAdded, Integer linesDeleted, Integer files, Integer directories, Integer subsystems,
                       Double entropy, Integer commits, Integer authors) {
            this(linesAdded, linesDeleted, files, directories, subsystems, entropy, commits, authors, null, null, null, null, null, null, null);
        }

        /**
         * The metrics of an assessment's {@code metrics} object (the JSON of {@code riskgate assess} as
         * plain maps): each by its name; a missing or non-numeric value is null ({@code fix} true/false).
         */
        public static Metrics of(java.util.Map<String, ?> m) {
            Object fix = m.get(NAMES.get(14));
            return new Metrics(integer(m, 0), integer(m, 1), integer(m, 2), integer(m, 3), integer(m, 4), decimal(m, 5), integer(m, 6),
                    integer(m, 7), integer(m, 8), decimal(m, 9), integer(m, 10), decimal(m, 11), decimal(m, 12), decimal(m, 13),
                    fix instanceof Boolean b ? b : fix instanceof Number n ? (Boolean) (n.doubleValue() != 0) : null);
        }

        /** The metrics by {@link #NAMES}, in that order (nulls included), as in the JSON of assessments and records. */
        public java.util.Map<String, Object> toMap() {
            Object[] values = {linesAdded, linesDeleted, files, directories, subsystems, entropy, commits, authors, developers, age,
                    priorChanges, authorExperience, recentExperience, subsystemExperience, fix};
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                m.put(NAMES.get(i), values[i]);
            }
            return m;
        }

        private static Integer integer(java.util.Map<String, ?> m, int name) {
            return m.get(NAMES.get(name)) instanceof Number n ? n.intValue() : null;
        }

        private static Double decimal(java.util.Map<String, ?> m, int name) {
            return m.get(NAMES.get(name)) instanceof Number n ? n.doubleValue() : null;
        }
    }

    public ChangeRecord {
        require(pipeline, "pipeline");
        require(environment, "environment");
        require(commit, "commit");
        if (startedAt == null || finishedAt == null || outcome == null) {
            throw new RiskGateException("a change record needs started, finished and outcome times and values");
        }
        if (finishedAt.isBefore(startedAt)) {
            throw new RiskGateException("a deployment cannot finish (" + finishedAt + ") before it started (" + startedAt + ")");
        }
        if (riskScore != null && (riskScore < 0 || riskScore > 100)) {
            throw new RiskGateException("risk score must be between 0 and 100 (got " + riskScore + ")");
        }
        if (metrics == null) {
            metrics = Metrics.NONE;
        }
        if (verification == null) {
            verification = Verification.NONE;
        }
        if (id == null || id.isBlank()) {
            id = stableId(pipeline, environment, commit, startedAt);
        }
    }

    /**
     * Refuses numbers that cannot be true of a deployment: negative counts, an entropy that is not a
     * number from 0 to 1, a commit time after the finish time, a level that is not a level. Input
     * (the command line, imported files) is checked with it; the store itself takes any record.
     */
    public void checkPlausible() {
        nonNegative("testsTotal", testsTotal);
        nonNegative("testsFailed", testsFailed);
        if (testsTotal != null && testsFailed != null && testsFailed > testsTotal) {
            throw new RiskGateException("testsFailed (" + testsFailed + ") cannot be more than testsTotal (" + testsTotal + ")");
        }
        nonNegative("linesAdded", metrics.linesAdded());
        nonNegative("linesDeleted", metrics.linesDeleted());
        nonNegative("files", metrics.files());
        nonNegative("directories", metrics.directories());
        nonNegative("subsystems", metrics.subsystems());
        nonNegative("commits", metrics.commits());
        nonNegative("authors", metrics.authors());
        nonNegative("developers", metrics.developers());
        nonNegative("priorChanges", metrics.priorChanges());
        for (String field : java.util.List.of("age", "authorExperience", "recentExperience", "subsystemExperience")) {
            Double v = switch (field) {
                case "age" -> metrics.age();
                case "authorExperience" -> metrics.authorExperience();
                case "recentExperience" -> metrics.recentExperience();
                default -> metrics.subsystemExperience();
            };
            if (v != null && !(v >= 0 && Double.isFinite(v))) {
                throw new RiskGateException(field + " must be a number of 0 or more (got " + v + ")");
            }
        }
        Double e = metrics.entropy();
        if (e != null && !(e >= 0 && e <= 1)) {
            throw new RiskGateException("entropy must be a number from 0 to 1 (got " + e + ")");
        }
        if (commitTime != null && commitTime.isAfter(finishedAt)) {
            throw new RiskGateException("the change cannot be committed (commitTime " + commitTime + ") after its deployment finished ("
                    + finishedAt + ")");
        }
        if (riskLevel != null && !java.util.Set.of("LOW", "MEDIUM", "HIGH", "CRITICAL").contains(riskLevel)) {
            throw new RiskGateException("riskLevel must be LOW, MEDIUM, HIGH or CRITICAL (got '"
                    + (riskLevel.length() > 40 ? riskLevel.substring(0, 40) + "..." : riskLevel) + "')");
        }
    }

    private static void nonNegative(String name, Integer value) {
        if (value != null && value < 0) {
            throw new RiskGateException(name + " cannot be negative (got " + value + ")");
        }
    }

    /** A record with only what every deployment has. */
    public static ChangeRecord of(String pipeline, String environment, String commit, Instant commitTime,
                                  Instant startedAt, Instant finishedAt, Outcome outcome, Integer riskScore, String riskLevel) {
        return new ChangeRecord(null, pipeline, environment, commit, commitTime, startedAt, finishedAt, outcome, riskScore,
                riskLevel, null, null, null, null, null, null, null, null, null, null, Metrics.NONE);
    }

    /** The id derived from what identifies a deployment: the same inputs always give the same id. */
    public static String stableId(String pipeline, String environment, String commit, Instant startedAt) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((pipeline + '\n' + environment + '\n' + commit + '\n' + startedAt.toEpochMilli())
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new RiskGateException("a change record needs a " + name);
        }
    }

    /** Seconds from commit to the end of the deployment, or null without a commit time. */
    public Long leadTimeSeconds() {
        return commitTime == null ? null : (finishedAt.toEpochMilli() - commitTime.toEpochMilli()) / 1000;
    }
}
