package io.riskgate.gate;

import io.riskgate.evidence.TestEvidence;
import io.riskgate.policy.EnvironmentRules;
import io.riskgate.policy.FreezeWindow;
import io.riskgate.policy.PromotionPolicy;
import io.riskgate.policy.ReviewRule;
import io.riskgate.risk.Level;
import io.riskgate.rollback.RollbackPlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a change may enter an environment: a pure function of the policy, the change's
 * risk, the test evidence, the rollback plan, the deployment history and the clock. Every rule is
 * reported, pass or fail; the decision is BLOCK if any rule blocks, else NEEDS_APPROVAL if any rule
 * asks for approval, else ALLOW. The rules are documented in docs/gates.md.
 */
public final class GateEvaluator {
    public static final String BLOCK_ABOVE = "risk.block-above";
    public static final String MIN_TESTS = "tests.minimum";
    public static final String TEST_FAILURES = "tests.failures";
    public static final String ROLLBACK_DECLARED = "rollback.declared";
    public static final String ROLLBACK_REHEARSED = "rollback.rehearsed";
    public static final String PREVIOUS_ENVIRONMENT = "previous-environment";
    public static final String FREEZE = "freeze";
    public static final String APPROVAL = "risk.approval";
    public static final String SOAK = "soak";
    public static final String REVIEWED_FAILURES = "reviews.failures";

    private static final int FAILURES_LISTED = 3;

    private GateEvaluator() {
    }

    /**
     * @param tests the test evidence, or null when no test results were found
     * @param rollback the rollback plan declared for the environment, or null
     */
    public static GateDecision evaluate(PromotionPolicy policy, String environment, PromotionCandidate change,
                                        TestEvidence tests, RollbackPlan rollback, DeploymentHistory history, Clock clock) {
        return evaluate(policy, environment, change, tests, rollback, history, clock, ApprovalInput.none());
    }

    /**
     * As above, counting the approvals and rejections the promotion has received: with enough of them
     * the approval rule passes, one rejection blocks.
     */
    public static GateDecision evaluate(PromotionPolicy policy, String environment, PromotionCandidate change,
                                        TestEvidence tests, RollbackPlan rollback, DeploymentHistory history, Clock clock,
                                        ApprovalInput approvals) {
        EnvironmentRules rules = policy.environment(environment);
        Instant now = clock.instant();
        List<RuleResult> results = new ArrayList<>();
        results.add(blockAbove(rules, change));
        results.add(minimumTests(rules, tests));
        results.add(testFailures(rules, tests));
        results.add(rollbackDeclared(rules, rollback));
        results.add(rollbackRehearsed(rules, rollback, now));
        results.add(previousEnvironment(rules, policy.previous(rules.name()), change, history));
        results.add(soak(rules, policy.previous(rules.name()), change, history, now));
        results.add(freeze(rules, change, now));
        List<PendingReview> overdue = overdueReviews(rules, history, now);
        boolean riskNeedsApproval = change.score() >= rules.autoApproveBelow();
        boolean reviewsNeedApproval = !overdue.isEmpty() && rules.requireReviewedFailures().action() == ReviewRule.Action.APPROVE;
        Quorum.Status quorum = !riskNeedsApproval && !reviewsNeedApproval ? null
                : Quorum.evaluate(rules, approvals.decisions(), approvals.check(), approvals.startedBy(), change.authors());
        results.add(approval(rules, change, riskNeedsApproval ? quorum : null));
        if (rules.requireReviewedFailures() != null) {
            results.add(reviewedFailures(rules, overdue, history, quorum, now));   // listed where the policy has the rule
        }
        GateOutcome outcome = results.stream().map(RuleResult::effect).max(Enum::compareTo).orElse(GateOutcome.ALLOW);
        return new GateDecision(rules.name(), outcome, change.head(), change.score(), change.level(), results, quorum);
    }

    private static List<PendingReview> overdueReviews(EnvironmentRules rules, DeploymentHistory history, Instant now) {
        ReviewRule rule = rules.requireReviewedFailures();
        if (rule == null) {
            return List.of();
        }
        Instant before = now.minus(Duration.ofDays(rule.olderThanDays()));
        return history.awaitingReview(rules.name()).stream().filter(p -> p.finishedAt().isBefore(before)).toList();
    }

    private static RuleResult reviewedFailures(EnvironmentRules rules, List<PendingReview> overdue, DeploymentHistory history,
                                               Quorum.Status quorum, Instant now) {
        ReviewRule rule = rules.requireReviewedFailures();
        if (rule == null) {
            return RuleResult.pass(REVIEWED_FAILURES, "no post-incident reviews required in " + rules.name());
        }
        String limit = rule.olderThanDays() + " day" + (rule.olderThanDays() == 1 ? "" : "s");
        if (overdue.isEmpty()) {
            int waiting = history.awaitingReview(rules.name()).size();
            return RuleResult.pass(REVIEWED_FAILURES, "no failure in " + rules.name() + " has waited more than " + limit
                    + " for a post-incident review" + (waiting == 0 ? "" : " (" + waiting + " newer one" + (waiting == 1 ? "" : "s") + " waiting)"));
        }
        String listed = overdue.stream().limit(FAILURES_LISTED).map(p -> shortSha(p.commit()) + " (" + p.why() + ", "
                + p.finishedAt().toString().substring(0, 10) + ", " + ago(p.finishedAt(), now) + ", deployment " + p.deployment() + ")")
                .reduce((a, b) -> a + "; " + b).orElse("") + (overdue.size() > FAILURES_LISTED ? "; ..." : "");
        String what = overdue.size() + " failure" + (overdue.size() == 1 ? "" : "s") + " in " + rules.name() + " ha"
                + (overdue.size() == 1 ? "s" : "ve") + " waited more than " + limit + " for a post-incident review: " + listed;
        if (rule.action() == ReviewRule.Action.BLOCK) {
            return RuleResult.fail(REVIEWED_FAILURES, GateOutcome.BLOCK, what + ": attach the reviews (riskgate review add) to promote");
        }
        if (quorum != null && quorum.rejected()) {
            return RuleResult.fail(REVIEWED_FAILURES, GateOutcome.BLOCK, what + "; " + quorum.rejection().who().id() + " rejected the promotion");
        }
        if (quorum != null && quorum.met()) {
            return RuleResult.pass(REVIEWED_FAILURES, what + "; approved by " + quorum.approvedBy());
        }
        return RuleResult.fail(REVIEWED_FAILURES, GateOutcome.NEEDS_APPROVAL, what + ": a release manager must approve ("
                + approvers(rules) + "), or attach the reviews");
    }

    /** The freeze rule alone, as of {@code now}: checked again when the last approval arrives and when the deployment starts. */
    public static RuleResult freezeNow(EnvironmentRules rules, PromotionCandidate change, Instant now) {
        return freeze(rules, change, now);
    }

    private static RuleResult soak(EnvironmentRules rules, Optional<EnvironmentRules> previous, PromotionCandidate change,
                                   DeploymentHistory history, Instant now) {
        Duration soak = rules.minSoak();
        if (soak == null || previous.isEmpty()) {
            return RuleResult.pass(SOAK, "no soak time in " + rules.name());
        }
        String prev = previous.get().name();
        Optional<Instant> since = history.succeededAt(prev, change.head());
        if (since.isEmpty()) {
            return RuleResult.fail(SOAK, GateOutcome.BLOCK, rules.name() + " needs " + shortSha(change.head()) + " to have run in " + prev
                    + " for " + words(soak) + ", and no successful deployment of it to " + prev + " is recorded: promote to " + prev + " first");
        }
        Instant passes = since.get().plus(soak);
        if (!now.isBefore(passes)) {
            return RuleResult.pass(SOAK, shortSha(change.head()) + " has run in " + prev + " for " + words(Duration.between(since.get(), now))
                    + " (at least " + words(soak) + " required)");
        }
        return RuleResult.until(SOAK, passes, rules.waitForSoak(), shortSha(change.head()) + " has run in " + prev + " for "
                + words(Duration.between(since.get(), now)) + " of the " + words(soak) + " required: this rule passes at " + passes
                + (rules.waitForSoak() ? "; the promotion waits until then" : ""));
    }

    /** A duration in words: 45s, 20m, 1h 30m, 3d 4h. */
    static String words(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        long days = s / 86_400;
        long hours = s % 86_400 / 3_600;
        long minutes = s % 3_600 / 60;
        StringBuilder out = new StringBuilder();
        if (days > 0) {
            out.append(days).append('d');
        }
        if (hours > 0) {
            out.append(out.length() > 0 ? " " : "").append(hours).append('h');
        }
        if (minutes > 0 && days == 0) {
            out.append(out.length() > 0 ? " " : "").append(minutes).append('m');
        }
        return out.toString();
    }

    private static RuleResult blockAbove(EnvironmentRules rules, PromotionCandidate change) {
        if (change.score() > rules.blockAbove()) {
            return RuleResult.fail(BLOCK_ABOVE, GateOutcome.BLOCK, "risk " + change.score() + " (" + change.level() + ") is above "
                    + rules.blockAbove() + ", the most " + rules.name() + " accepts: split the change or make it easier to undo");
        }
        return RuleResult.pass(BLOCK_ABOVE, rules.blockAbove() >= 100 ? "no risk score is blocked outright in " + rules.name()
                : "risk " + change.score() + " is within the limit of " + rules.blockAbove());
    }

    private static RuleResult minimumTests(EnvironmentRules rules, TestEvidence tests) {
        int ran = tests == null ? 0 : tests.total();
        if (ran >= rules.minTests()) {
            return RuleResult.pass(MIN_TESTS, rules.minTests() == 0 && tests == null ? "no tests required in " + rules.name()
                    : ran + " test" + (ran == 1 ? "" : "s") + " ran (at least " + rules.minTests() + " required)");
        }
        if (tests == null) {
            return RuleResult.fail(MIN_TESTS, GateOutcome.BLOCK, "no test results found, and " + rules.name() + " requires at least "
                    + rules.minTests() + ": run the tests and record their reports");
        }
        return RuleResult.fail(MIN_TESTS, GateOutcome.BLOCK, "only " + ran + " test" + (ran == 1 ? "" : "s") + " ran; "
                + rules.name() + " requires at least " + rules.minTests());
    }

    private static RuleResult testFailures(EnvironmentRules rules, TestEvidence tests) {
        int failing = tests == null ? 0 : tests.failed() + tests.errors();
        if (failing <= rules.allowedFailures()) {
            return RuleResult.pass(TEST_FAILURES, failing + " failed (" + rules.allowedFailures() + " allowed)");
        }
        List<String> names = tests.failures();
        String listed = names.isEmpty() ? "" : ": " + String.join("; ", names.subList(0, Math.min(FAILURES_LISTED, names.size())))
                + (names.size() > FAILURES_LISTED ? "; ..." : "");
        return RuleResult.fail(TEST_FAILURES, GateOutcome.BLOCK, failing + " test" + (failing == 1 ? "" : "s") + " failed ("
                + rules.allowedFailures() + " allowed)" + listed);
    }

    private static RuleResult rollbackDeclared(EnvironmentRules rules, RollbackPlan rollback) {
        if (rollback != null) {
            return RuleResult.pass(ROLLBACK_DECLARED, "rollback declared: " + describe(rollback));
        }
        if (!rules.rollbackRequired()) {
            return RuleResult.pass(ROLLBACK_DECLARED, "no rollback required in " + rules.name());
        }
        return RuleResult.fail(ROLLBACK_DECLARED, GateOutcome.BLOCK, "no rollback declared for " + rules.name()
                + ": declare one (declareRollback(environment: '" + rules.name() + "', command: ..., runbook: ...))");
    }

    private static RuleResult rollbackRehearsed(EnvironmentRules rules, RollbackPlan rollback, Instant now) {
        Integer days = rules.rollbackRehearsedWithinDays();
        if (days == null) {
            return RuleResult.pass(ROLLBACK_REHEARSED, "no rollback rehearsal required in " + rules.name());
        }
        if (rollback != null && rollback.exercisedWithin(Duration.ofDays(days), now)) {
            return RuleResult.pass(ROLLBACK_REHEARSED, "rollback last exercised " + ago(rollback.lastExercised(), now)
                    + " (within " + days + " days)");
        }
        String when = rollback == null || rollback.lastExercised() == null ? "has never been exercised"
                : "was last exercised " + ago(rollback.lastExercised(), now);
        return RuleResult.fail(ROLLBACK_REHEARSED, GateOutcome.BLOCK, "the rollback of " + rules.name() + " " + when
                + "; it must have run within " + days + " days: rehearse it");
    }

    private static RuleResult previousEnvironment(EnvironmentRules rules, Optional<EnvironmentRules> previous,
                                                  PromotionCandidate change, DeploymentHistory history) {
        if (!rules.requirePreviousEnvironment() || previous.isEmpty()) {
            return RuleResult.pass(PREVIOUS_ENVIRONMENT, previous.isEmpty() ? rules.name() + " is the first environment"
                    : "the previous environment need not have taken this commit");
        }
        String prev = previous.get().name();
        Optional<String> deployed = history.lastSucceededCommit(prev);
        if (deployed.isPresent() && deployed.get().equals(change.head())) {
            return RuleResult.pass(PREVIOUS_ENVIRONMENT, prev + " took " + shortSha(change.head()) + " successfully");
        }
        return RuleResult.fail(PREVIOUS_ENVIRONMENT, GateOutcome.BLOCK, prev + " has not taken " + shortSha(change.head())
                + " successfully" + deployed.map(c -> " (its last successful deployment is " + shortSha(c) + ")").orElse(" (no successful deployment recorded)")
                + ": promote to " + prev + " first");
    }

    private static RuleResult freeze(EnvironmentRules rules, PromotionCandidate change, Instant now) {
        Optional<FreezeWindow> active = rules.freezes().stream().filter(w -> w.covers(now)).findFirst();
        if (active.isEmpty()) {
            return RuleResult.pass(FREEZE, rules.freezes().isEmpty() ? "no freeze windows in " + rules.name() : "no freeze in force");
        }
        if (rules.freezeExemptLowRisk() && change.level() == Level.LOW) {
            return RuleResult.pass(FREEZE, rules.name() + " is frozen (" + active.get().describe() + "), but LOW risk changes are exempt");
        }
        return RuleResult.fail(FREEZE, GateOutcome.BLOCK, rules.name() + " is frozen: " + active.get().describe()
                + (rules.freezeExemptLowRisk() ? "; only LOW risk changes may enter" : ""));
    }

    private static RuleResult approval(EnvironmentRules rules, PromotionCandidate change, Quorum.Status quorum) {
        if (quorum == null) {
            return RuleResult.pass(APPROVAL, rules.autoApproveBelow() > 100 ? "no approval needed in " + rules.name()
                    : "risk " + change.score() + " (" + change.level() + ") is below " + rules.autoApproveBelow() + ": no approval needed");
        }
        String risk = "risk " + change.score() + " (" + change.level() + ") is at or above " + rules.autoApproveBelow();
        if (quorum.rejected()) {
            Approval r = quorum.rejection();
            return RuleResult.fail(APPROVAL, GateOutcome.BLOCK, risk + " and " + r.who().id() + " rejected the promotion"
                    + (r.comment() == null || r.comment().isBlank() ? "" : ": " + r.comment()));
        }
        if (quorum.met()) {
            return RuleResult.pass(APPROVAL, risk + "; approved by " + quorum.approvedBy());
        }
        String needs = rules.quorum().beyondOne()
                ? quorum.required() + " distinct approval" + (quorum.required() == 1 ? "" : "s") + rules.quorum().rules().stream()
                        .map(r -> ", " + r.required() + " from " + r.label()).reduce("", String::concat)
                : "a release manager must approve";
        String so = quorum.approvals().isEmpty() ? "" : "; approved so far by " + quorum.approvedBy() + ", still missing: "
                + String.join(", ", quorum.missing());
        String ignored = quorum.notCounted().isEmpty() ? "" : "; not counted: " + String.join("; ", quorum.notCounted());
        return RuleResult.fail(APPROVAL, GateOutcome.NEEDS_APPROVAL, risk + ": " + needs + " (" + approvers(rules) + ")" + so + ignored);
    }

    static String approvers(EnvironmentRules rules) {
        if (!rules.restrictsApprovers()) {
            return "anyone with the Approve permission";
        }
        List<String> who = new ArrayList<>(rules.approvers());
        rules.approverGroups().forEach(g -> who.add("group " + g));
        rules.quorum().rules().forEach(r -> {
            r.users().stream().filter(u -> !who.contains(u)).forEach(who::add);
            r.groups().stream().map(g -> "group " + g).filter(g -> !who.contains(g)).forEach(who::add);
        });
        return "approvers: " + String.join(", ", who);
    }

    private static String describe(RollbackPlan plan) {
        List<String> parts = new ArrayList<>();
        if (plan.command() != null) {
            parts.add("command '" + plan.command() + "'");
        }
        if (plan.runbook() != null) {
            parts.add("runbook " + plan.runbook());
        }
        return String.join(", ", parts);
    }

    private static String ago(Instant then, Instant now) {
        long days = Duration.between(then, now).toDays();
        return days <= 0 ? "today" : days == 1 ? "1 day ago" : days + " days ago";
    }

    private static String shortSha(String sha) {
        return sha != null && sha.length() > 10 ? sha.substring(0, 10) : String.valueOf(sha);
    }
}
