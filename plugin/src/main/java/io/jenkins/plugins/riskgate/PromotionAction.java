package io.jenkins.plugins.riskgate;

import hudson.Util;
import hudson.model.Api;
import hudson.model.Run;
import hudson.model.User;
import io.riskgate.gate.ApprovalCheck;
import io.riskgate.gate.Approver;
import io.riskgate.events.EventTimeline;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.IdStrategy;
import jenkins.model.Jenkins;
import jenkins.model.RunAction2;
import org.jenkinsci.plugins.workflow.flow.FlowExecutionOwner;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.kohsuke.stapler.interceptor.RequirePOST;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The promotions of one build (page {@code riskgate/} of the build, summary on the build page):
 * every gate's decision and rules, approvals, outcomes; and the POST endpoints to approve or reject
 * a waiting promotion. Who may decide is checked here, on the server: the Approve permission on the
 * job, the environment's approvers, and the rules on authors and the starter of the build.
 */
@ExportedBean
public class PromotionAction implements RunAction2 {
    private static final Logger LOGGER = Logger.getLogger(PromotionAction.class.getName());
    static final String URL = "riskgate";

    private final List<PromotionRecord> records = new CopyOnWriteArrayList<>();
    /** The build's events, oldest first, at most {@link EventTimeline#MOST_KEPT} (null in builds of earlier versions). */
    private List<PromotionEvent> events;
    /** How many older events were dropped to keep that bound. */
    private int droppedEvents;
    private transient Run<?, ?> run;

    static synchronized PromotionAction of(Run<?, ?> run) {
        PromotionAction action = run.getAction(PromotionAction.class);
        if (action == null) {
            action = new PromotionAction();
            run.addAction(action);
        }
        return action;
    }

    @Exported
    public List<PromotionRecord> getRecords() {
        return new ArrayList<>(records);
    }

    @Restricted(NoExternalUse.class)
    public PromotionRecord get(String id) {
        return records.stream().filter(r -> r.getId().equals(id)).findFirst().orElse(null);
    }

    public boolean isWaiting() {
        return records.stream().anyMatch(PromotionRecord::isWaiting);
    }

    void add(PromotionRecord record) throws IOException {
        records.add(record);
        save();
    }

    /** Keeps one event of this build (once per id; the oldest dropped beyond the bound) and saves the build. */
    void addEvent(PromotionEvent event) throws IOException {
        synchronized (this) {
            if (events == null) {
                events = new CopyOnWriteArrayList<>();
            }
            EventTimeline.Added added = EventTimeline.add(events, event, PromotionEvent::getId, EventTimeline.MOST_KEPT);
            if (!added.added()) {
                return;
            }
            droppedEvents += added.dropped();
        }
        save();
    }

    /**
     * The build's events in time order: those it keeps, and the incidents and reviews of its
     * deployments from the record store (read bounded: at most {@value #MOST_READ} deployments).
     */
    @Exported
    public List<PromotionEvent> getEvents() {
        List<PromotionEvent> all = new ArrayList<>(events == null ? List.of() : events);
        if (run != null) {
            all.addAll(PromotionEventsFromStore.of(run, records.stream().limit(MOST_READ).toList()));
        }
        return EventTimeline.ordered(all, PromotionEvent::getId, PromotionEvent::at, PromotionEvent::getType, EventTimeline.MOST_KEPT);
    }

    /** How many of the build's older events it no longer keeps. */
    @Exported
    public synchronized int getDroppedEvents() {
        return droppedEvents;
    }

    /** The most deployments of one build whose incidents and reviews the page reads. */
    static final int MOST_READ = 50;

    void save() throws IOException {
        if (run != null) {
            run.save();
        }
    }

    /** Whether the current user holds the Approve permission on this job (the page shows the buttons then). */
    public boolean isApprover() {
        return run != null && run.getParent().hasPermission(RiskGatePermissions.APPROVE);
    }

    @RequirePOST
    public HttpResponse doApprove(@QueryParameter String id, @QueryParameter String comment) throws IOException, InterruptedException {
        return decide(id, true, comment);
    }

    @RequirePOST
    public HttpResponse doReject(@QueryParameter String id, @QueryParameter String comment) throws IOException, InterruptedException {
        return decide(id, false, comment);
    }

    private HttpResponse decide(String id, boolean approve, String comment) throws IOException, InterruptedException {
        run.getParent().checkPermission(RiskGatePermissions.APPROVE);
        PromotionRecord record = get(id);
        if (record == null) {
            return HttpResponses.errorWithoutStack(404, Messages.PromotionAction_NoPromotion(id, run.getFullDisplayName()));
        }
        if (!record.isWaiting()) {
            return HttpResponses.errorWithoutStack(409, record.noLongerWaiting());
        }
        Authentication who = Jenkins.getAuthentication2();
        User user = User.current();
        String userId = user != null ? user.getId() : who.getName();
        PromoteStepExecution execution = execution(id);
        if (execution == null) {
            return HttpResponses.errorWithoutStack(409, Messages.PromotionAction_NotRunning(record.getEnvironment()));
        }
        PromotionWaits.Answer answer = execution.decide(approver(userId, user, who), approve, Util.fixEmptyAndTrim(comment));
        if (answer.status() != 200) {
            return HttpResponses.errorWithoutStack(answer.status(), answer.message());
        }
        return HttpResponses.redirectTo(".");
    }

    static ApprovalCheck approvalCheck() {
        IdStrategy users = User.idStrategy();
        IdStrategy groups = JenkinsFacade.JENKINS.groupIdStrategy();
        return new ApprovalCheck(users::equals, groups::equals);
    }

    private static Approver approver(String id, User user, Authentication who) {
        List<String> groups = new ArrayList<>();
        for (GrantedAuthority a : who.getAuthorities()) {
            groups.add(a.getAuthority());
        }
        return new Approver(id, MailAddresses.of(user), groups);
    }

    /** The paused step execution of a record, found among the running executions of this build (also after a restart). */
    private PromoteStepExecution execution(String id) throws InterruptedException {
        if (!(run instanceof FlowExecutionOwner.Executable executable)) {
            return null;
        }
        try {
            FlowExecutionOwner owner = executable.asFlowExecutionOwner();
            if (owner == null) {
                return null;
            }
            for (StepExecution e : owner.get().getCurrentExecutions(true).get(60, TimeUnit.SECONDS)) {
                if (e instanceof PromoteStepExecution p && p.recordId().equals(id)) {
                    return p;
                }
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "cannot find the waiting promotion " + id + " of " + run, e);
        }
        return null;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    /** {@code <build>/riskgate/api/json}: the records, their rules and decisions. */
    public Api getApi() {
        return new Api(this);
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public String getIconFileName() {
        return records.isEmpty() ? null : "symbol-environment";
    }

    @Override
    public String getDisplayName() {
        return isWaiting() ? Messages.PromotionAction_DisplayNameWaiting() : Messages.PromotionAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return URL;
    }
}
