package io.jenkins.plugins.riskgate;

import io.riskgate.gate.GateDecision;
import io.riskgate.gate.PromotionState;
import io.riskgate.gate.RuleResult;
import java.util.ArrayList;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * One promotion of this build into an environment: the gate's decision with every rule, the
 * approvals, and the outcome. Kept in build.xml as plain fields.
 */
@ExportedBean(defaultVisibility = 2)
public class PromotionRecord {
    /** Where a promotion stands: core's {@link PromotionState}, by name, as build.xml keeps it. */
    public enum State {
        WAITING_FOR_APPROVAL, WAITING_FOR_SOAK, QUEUED, RUNNING, VERIFYING, ROLLING_BACK,
        BLOCKED, REJECTED, EXPIRED, SUPERSEDED, SUCCEEDED, FAILED, ROLLED_BACK, ABORTED;

        public boolean finished() {
            return core().settled();
        }

        PromotionState core() {
            return PromotionState.valueOf(name());
        }

        static State of(PromotionState state) {
            return valueOf(state.name());
        }
    }

    /** One rule's result as shown on the build page. */
    @ExportedBean(defaultVisibility = 3)
    public static final class Rule {
        private final String id;
        private final boolean passed;
        private final String effect;
        private final String reason;

        Rule(RuleResult r) {
            this.id = r.id();
            this.passed = r.passed();
            this.effect = r.effect().name();
            this.reason = r.reason();
        }

        @Exported
        public String getId() {
            return id;
        }

        @Exported
        public boolean isPassed() {
            return passed;
        }

        @Exported
        public String getEffect() {
            return effect;
        }

        @Exported
        public String getReason() {
            return reason;
        }
    }

    /** An approval or rejection, with who, when and why. */
    @ExportedBean(defaultVisibility = 3)
    public static final class Decision {
        private final String user;
        private final boolean approved;
        private final String comment;
        private final long time;
        /** The approver's groups when they decided (null in records of earlier versions). */
        private final List<String> groups;

        Decision(String user, boolean approved, String comment, long time, List<String> groups) {
            this.user = user;
            this.approved = approved;
            this.comment = comment;
            this.time = time;
            this.groups = groups == null ? null : new ArrayList<>(groups);
        }

        List<String> groups() {
            return groups == null ? List.of() : groups;
        }

        @Exported
        public String getUser() {
            return user;
        }

        @Exported
        public boolean isApproved() {
            return approved;
        }

        @Exported
        public String getComment() {
            return comment;
        }

        @Exported
        public long getTime() {
            return time;
        }

        /** For pages: the time as a date. */
        public java.util.Date getDate() {
            return new java.util.Date(time);
        }
    }

    private final String id;
    private final String environment;
    private final String head;
    private int score;
    private String level;
    private String gateOutcome;
    private List<Rule> rules;
    private final List<String> authors;
    private final String startedBy;
    private final long requested;
    // what the approval check needs, as the gate saw it
    private final List<String> approvers;
    private final List<String> approverGroups;
    private final boolean authorsMayApprove;
    private final boolean starterMayApprove;

    private State state;
    private final List<Decision> decisions = new ArrayList<>();
    private long started;
    private long finished;
    private String rollbackCommand;
    private String runbook;
    private String note;
    private Integer testsTotal;
    private Integer testsFailed;
    private String approvals;
    private String settledBy;
    /** The build of this job that deploys to the environment while this promotion waits for its turn, or 0. */
    private int queuedBehind;
    /** When the promotion first asked for its turn (epoch ms), or 0: the queue's order, also after a restart. */
    private long queuedSince;
    /** The newer build that superseded this promotion, or 0. */
    private int supersededBy;
    /** The verification after the deployment, in words; null when none is declared. */
    private String verification;
    /** PASSED, FAILED or ABORTED once the verification ended. */
    private String verificationOutcome;
    /** Why the verification ended so, and the last check's output (bounded). */
    private String verificationReason;
    private String verificationOutput;
    private long verificationStarted;
    private long verificationFinished;

    PromotionRecord(String id, GateDecision decision, List<String> authors, String startedBy, long requested,
                    io.riskgate.policy.EnvironmentRules rules) {
        this.id = id;
        this.environment = decision.environment();
        this.head = decision.head();
        this.score = decision.score();
        this.level = decision.level().name();
        this.gateOutcome = decision.outcome().name();
        this.rules = new ArrayList<>(decision.rules().stream().map(Rule::new).toList());
        this.authors = new ArrayList<>(authors);
        this.startedBy = startedBy;
        this.requested = requested;
        this.approvers = new ArrayList<>(rules.approvers());
        this.approverGroups = new ArrayList<>(rules.approverGroups());
        this.authorsMayApprove = rules.authorsMayApprove();
        this.starterMayApprove = rules.starterMayApprove();
    }

    /** A deployment recorded without a gate ({@code recordDeployment}). */
    PromotionRecord(String id, String environment, String head, int score, String level, State state, long time, String note) {
        this.id = id;
        this.environment = environment;
        this.head = head;
        this.score = score;
        this.level = level;
        this.gateOutcome = null;
        this.rules = new ArrayList<>();
        this.authors = new ArrayList<>();
        this.startedBy = null;
        this.requested = time;
        this.approvers = new ArrayList<>();
        this.approverGroups = new ArrayList<>();
        this.authorsMayApprove = false;
        this.starterMayApprove = false;
        this.state = state;
        this.started = time;
        this.finished = time;
        this.note = note;
    }

    @Exported
    public String getId() {
        return id;
    }

    @Exported
    public String getEnvironment() {
        return environment;
    }

    @Exported
    public String getHead() {
        return head;
    }

    public String getShortHead() {
        return head == null ? "" : head.substring(0, Math.min(10, head.length()));
    }

    @Exported
    public synchronized int getScore() {
        return score;
    }

    @Exported
    public synchronized String getLevel() {
        return level;
    }

    @Exported
    public synchronized String getGateOutcome() {
        return gateOutcome;
    }

    @Exported
    public synchronized List<Rule> getRules() {
        return rules;
    }

    @Exported
    public List<String> getAuthors() {
        return authors;
    }

    @Exported
    public String getStartedBy() {
        return startedBy;
    }

    @Exported
    public long getRequested() {
        return requested;
    }

    @Exported
    public synchronized State getState() {
        return state;
    }

    @Exported
    public synchronized List<Decision> getDecisions() {
        return new ArrayList<>(decisions);
    }

    @Exported
    public synchronized long getStarted() {
        return started;
    }

    @Exported
    public synchronized long getFinished() {
        return finished;
    }

    @Exported
    public synchronized String getRollbackCommand() {
        return rollbackCommand;
    }

    @Exported
    public synchronized String getRunbook() {
        return runbook;
    }

    @Exported
    public synchronized String getNote() {
        return note;
    }

    public boolean isWaiting() {
        return getState() == State.WAITING_FOR_APPROVAL;
    }

    /** Why a decision comes too late: the state, and who settled the promotion. */
    synchronized String noLongerWaiting() {
        return settledBy == null ? Messages.PromotionRecord_NoLongerWaiting(environment, state)
                : Messages.PromotionRecord_NoLongerWaitingDecided(environment, state, settledBy);
    }

    synchronized void setState(State state, long now) {
        this.state = state;
        if (state != State.QUEUED) {
            queuedBehind = 0;
        } else if (queuedSince == 0) {
            queuedSince = now;
        }
        if (state == State.RUNNING) {
            started = now;
        } else if (state.finished()) {
            finished = now;
        }
    }

    /** The new state, with a note explaining it when there is one. */
    synchronized void setState(State state, String note, long now) {
        setState(state, now);
        if (note != null) {
            this.note = note;
        }
    }

    synchronized void decide(String user, boolean approved, String comment, long now, List<String> groups) {
        decisions.add(new Decision(user, approved, comment, now, groups));
    }

    /** Who has approved so far and what is still missing, in words; null before any decision. */
    @Exported
    public synchronized String getApprovals() {
        return approvals;
    }

    /** Who settled the wait (the last approver, or who rejected it), or null. */
    @Exported
    public synchronized String getSettledBy() {
        return settledBy;
    }

    synchronized void approvals(String status, String settledBy) {
        this.approvals = status;
        if (settledBy != null) {
            this.settledBy = settledBy;
        }
    }

    synchronized void rollback(String command, String runbook) {
        this.rollbackCommand = command;
        this.runbook = runbook;
    }

    synchronized void tests(Integer total, Integer failed) {
        this.testsTotal = total;
        this.testsFailed = failed;
    }

    /** The gate evaluated again (after the soak time): its decision replaces the earlier one. */
    synchronized void regate(GateDecision decision) {
        this.score = decision.score();
        this.level = decision.level().name();
        this.gateOutcome = decision.outcome().name();
        this.rules = new ArrayList<>(decision.rules().stream().map(Rule::new).toList());
    }

    @Exported
    public synchronized int getQueuedBehind() {
        return queuedBehind;
    }

    synchronized void queuedBehind(int build) {
        this.queuedBehind = build;
    }

    synchronized long getQueuedSince() {
        return queuedSince;
    }

    @Exported
    public synchronized int getSupersededBy() {
        return supersededBy;
    }

    synchronized void supersededBy(int build) {
        this.supersededBy = build;
    }

    @Exported
    public synchronized String getVerification() {
        return verification;
    }

    @Exported
    public synchronized String getVerificationOutcome() {
        return verificationOutcome;
    }

    @Exported
    public synchronized String getVerificationReason() {
        return verificationReason;
    }

    @Exported
    public synchronized String getVerificationOutput() {
        return verificationOutput;
    }

    /** How long the verification ran (ms), or null before it ended. */
    @Exported
    public synchronized Long getVerificationMillis() {
        return verificationFinished == 0 ? null : verificationFinished - verificationStarted;
    }

    /** When the verification ended (epoch ms), or 0. */
    synchronized long verificationFinished() {
        return verificationFinished;
    }

    synchronized void verificationStarted(String description, long now) {
        this.verification = description;
        this.verificationStarted = now;
        this.verificationFinished = 0;
        this.verificationOutcome = null;
    }

    synchronized void verificationEnded(String outcome, String reason, String output, long now) {
        this.verificationOutcome = outcome;
        this.verificationReason = reason;
        this.verificationOutput = output;
        this.verificationFinished = now;
    }

    @Exported
    public synchronized Integer getTestsTotal() {
        return testsTotal;
    }

    @Exported
    public synchronized Integer getTestsFailed() {
        return testsFailed;
    }
}
