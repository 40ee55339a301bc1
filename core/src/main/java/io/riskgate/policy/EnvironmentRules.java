package io.riskgate.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a change must satisfy to enter one environment. See docs/policy.md for the defaults.
 *
 * @param minTests the fewest tests that must have run
 * @param allowedFailures how many failed or erroneous tests are tolerated
 * @param rollbackRehearsedWithinDays the rollback must have been exercised this recently; null = not required
 * @param requirePreviousEnvironment the previous environment must have taken the same head commit successfully
 * @param freezeExemptLowRisk LOW risk changes may enter during a freeze
 * @param autoApproveBelow scores below this are allowed without approval; others wait for a release manager
 * @param blockAbove scores above this are blocked outright
 * @param approvers users allowed to approve (empty: anyone with the Approve permission)
 * @param approverGroups groups whose members may approve
 * @param authorsMayApprove whether an author of the change may approve it
 * @param starterMayApprove whether the person who started the build may approve it
 * @param rollbackOnFailure run the declared rollback command when the deployment fails
 * @param quorum how many distinct approvals a promotion that needs approval must have
 * @param approvalTimeout how long a promotion waits for its approvals before it ends EXPIRED; null = no limit
 * @param minSoak how long the head commit must have run in the previous environment; null = no soak time
 * @param waitForSoak wait until the soak time has passed instead of blocking
 * @param requireReviewedFailures failures waiting too long for a post-incident review hold promotions; null = no such rule
 * @param verify the checks after a deployment, which roll it back when they fail; null = none
 */
public record EnvironmentRules(String name, int minTests, int allowedFailures, boolean rollbackRequired,
                               Integer rollbackRehearsedWithinDays, boolean requirePreviousEnvironment,
                               List<FreezeWindow> freezes, boolean freezeExemptLowRisk, int autoApproveBelow,
                               int blockAbove, List<String> approvers, List<String> approverGroups,
                               boolean authorsMayApprove, boolean starterMayApprove, boolean rollbackOnFailure,
                               ApprovalQuorum quorum, Duration approvalTimeout, Duration minSoak, boolean waitForSoak,
                               ReviewRule requireReviewedFailures, VerificationRules verify) {
    public EnvironmentRules {
        freezes = List.copyOf(freezes);
        approvers = List.copyOf(approvers);
        approverGroups = List.copyOf(approverGroups);
        quorum = quorum == null ? ApprovalQuorum.ONE : quorum;
    }

    /** Rules without a review rule. */
    public EnvironmentRules(String name, int minTests, int allowedFailures, boolean rollbackRequired,
                            Integer rollbackRehearsedWithinDays, boolean requirePreviousEnvironment,
                            List<FreezeWindow> freezes, boolean freezeExemptLowRisk, int autoApproveBelow,
                            int blockAbove, List<String> approvers, List<String> approverGroups,
                            boolean authorsMayApprove, boolean starterMayApprove, boolean rollbackOnFailure,
                            ApprovalQuorum quorum, Duration approvalTimeout, Duration minSoak, boolean waitForSoak) {
        this(name, minTests, allowedFailures, rollbackRequired, rollbackRehearsedWithinDays, requirePreviousEnvironment, freezes,
                freezeExemptLowRisk, autoApproveBelow, blockAbove, approvers, approverGroups, authorsMayApprove, starterMayApprove,
                rollbackOnFailure, quorum, approvalTimeout, minSoak, waitForSoak, null);
    }

    /** Rules without a verification after the deployment. */
    public EnvironmentRules(String name, int minTests, int allowedFailures, boolean rollbackRequired,
                            Integer rollbackRehearsedWithinDays, boolean requirePreviousEnvironment,
                            List<FreezeWindow> freezes, boolean freezeExemptLowRisk, int autoApproveBelow,
                            int blockAbove, List<String> approvers, List<String> approverGroups,
                            boolean authorsMayApprove, boolean starterMayApprove, boolean rollbackOnFailure,
                            ApprovalQuorum quorum, Duration approvalTimeout, Duration minSoak, boolean waitForSoak,
                            ReviewRule requireReviewedFailures) {
        this(name, minTests, allowedFailures, rollbackRequired, rollbackRehearsedWithinDays, requirePreviousEnvironment, freezes,
                freezeExemptLowRisk, autoApproveBelow, blockAbove, approvers, approverGroups, authorsMayApprove, starterMayApprove,
                rollbackOnFailure, quorum, approvalTimeout, minSoak, waitForSoak, requireReviewedFailures, null);
    }

    /** These rules with another review rule. */
    public EnvironmentRules withReviewRule(ReviewRule rule) {
        return new EnvironmentRules(name, minTests, allowedFailures, rollbackRequired, rollbackRehearsedWithinDays,
                requirePreviousEnvironment, freezes, freezeExemptLowRisk, autoApproveBelow, blockAbove, approvers, approverGroups,
                authorsMayApprove, starterMayApprove, rollbackOnFailure, quorum, approvalTimeout, minSoak, waitForSoak, rule, verify);
    }

    /** These rules with {@code verify} as the checks after the deployment. */
    public EnvironmentRules withVerify(VerificationRules verify) {
        return new EnvironmentRules(name, minTests, allowedFailures, rollbackRequired, rollbackRehearsedWithinDays,
                requirePreviousEnvironment, freezes, freezeExemptLowRisk, autoApproveBelow, blockAbove, approvers, approverGroups,
                authorsMayApprove, starterMayApprove, rollbackOnFailure, quorum, approvalTimeout, minSoak, waitForSoak,
                requireReviewedFailures, verify);
    }

    /** Rules with one approval, no approval timeout and no soak time. */
    public EnvironmentRules(String name, int minTests, int allowedFailures, boolean rollbackRequired,
                            Integer rollbackRehearsedWithinDays, boolean requirePreviousEnvironment,
                            List<FreezeWindow> freezes, boolean freezeExemptLowRisk, int autoApproveBelow,
                            int blockAbove, List<String> approvers, List<String> approverGroups,
                            boolean authorsMayApprove, boolean starterMayApprove, boolean rollbackOnFailure) {
        this(name, minTests, allowedFailures, rollbackRequired, rollbackRehearsedWithinDays, requirePreviousEnvironment, freezes,
                freezeExemptLowRisk, autoApproveBelow, blockAbove, approvers, approverGroups, authorsMayApprove, starterMayApprove,
                rollbackOnFailure, ApprovalQuorum.ONE, null, null, false);
    }

    /**
     * The defaults of the {@code position}-th of {@code count} environments: the first has no previous
     * one, needs no rollback and no approval; later ones need a rollback and the previous environment
     * to have taken the commit; the last (production) asks for approval from HIGH risk (50), the ones
     * in between from CRITICAL (75).
     */
    public static EnvironmentRules defaults(String name, int position, int count) {
        boolean later = position > 0;
        int approveFrom = !later ? 101 : position == count - 1 ? 50 : 75;
        return new EnvironmentRules(name, 1, 0, later, null, later, List.of(), false, approveFrom, 100,
                List.of(), List.of(), false, false, true);
    }

    /**
     * The stricter of these rules and {@code other}'s for the same environment: how a repository's
     * policy file tightens the global policy without loosening it. A verification of the global
     * policy stays; the repository's applies where the global policy has none.
     */
    public EnvironmentRules tightenedBy(EnvironmentRules other) {
        List<FreezeWindow> allFreezes = new ArrayList<>(freezes);
        allFreezes.addAll(other.freezes);
        Integer rehearsal = rollbackRehearsedWithinDays == null ? other.rollbackRehearsedWithinDays
                : other.rollbackRehearsedWithinDays == null ? rollbackRehearsedWithinDays
                : Integer.valueOf(Math.min(rollbackRehearsedWithinDays, other.rollbackRehearsedWithinDays));
        return new EnvironmentRules(name, Math.max(minTests, other.minTests), Math.min(allowedFailures, other.allowedFailures),
                rollbackRequired || other.rollbackRequired, rehearsal, requirePreviousEnvironment || other.requirePreviousEnvironment,
                allFreezes, freezeExemptLowRisk && other.freezeExemptLowRisk, Math.min(autoApproveBelow, other.autoApproveBelow),
                Math.min(blockAbove, other.blockAbove), narrow(approvers, other.approvers), narrow(approverGroups, other.approverGroups),
                authorsMayApprove && other.authorsMayApprove, starterMayApprove && other.starterMayApprove,
                rollbackOnFailure || other.rollbackOnFailure, quorum.tightenedBy(other.quorum),
                shorter(approvalTimeout, other.approvalTimeout), longer(minSoak, other.minSoak), waitForSoak && other.waitForSoak,
                ReviewRule.stricter(requireReviewedFailures, other.requireReviewedFailures), verify != null ? verify : other.verify);
    }

    private static Duration shorter(Duration a, Duration b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration longer(Duration a, Duration b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }

    /** An approver list can only shrink: the other list applies where this one is open, the overlap where both list people. */
    private static List<String> narrow(List<String> mine, List<String> theirs) {
        if (mine.isEmpty()) {
            return theirs;
        }
        if (theirs.isEmpty()) {
            return mine;
        }
        Set<String> overlap = new LinkedHashSet<>(mine);
        overlap.retainAll(theirs);
        return overlap.isEmpty() ? mine : List.copyOf(overlap);
    }

    /** Whether anyone in particular is named as approver. */
    public boolean restrictsApprovers() {
        return !approvers.isEmpty() || !approverGroups.isEmpty() || !quorum.rules().isEmpty();
    }
}
