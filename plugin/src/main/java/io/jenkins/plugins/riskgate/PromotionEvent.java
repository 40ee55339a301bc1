package io.jenkins.plugins.riskgate;

import io.riskgate.events.DeliveryEvent;
import java.time.Instant;
import java.util.Date;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * One event as the build's Deployment gates page lists it (and build.xml keeps it): core's
 * {@link DeliveryEvent} reduced to plain strings and a time.
 */
@ExportedBean(defaultVisibility = 3)
public final class PromotionEvent {
    private final String id;
    private final String type;
    private final long time;
    private final String environment;
    private final String actor;
    private final String summary;

    PromotionEvent(DeliveryEvent e) {
        this.id = e.id();
        this.type = e.type();
        this.time = e.at().toEpochMilli();
        this.environment = e.environment();
        this.actor = e.actor();
        this.summary = e.summary();
    }

    @Exported
    public String getId() {
        return id;
    }

    @Exported
    public String getType() {
        return type;
    }

    @Exported
    public long getTime() {
        return time;
    }

    @Exported
    public String getEnvironment() {
        return environment;
    }

    /** Who did it (an approver, the build's starter, a review's author, an incident's source), or null. */
    @Exported
    public String getActor() {
        return actor;
    }

    /** The outcome and why, in one line. */
    @Exported
    public String getSummary() {
        return summary;
    }

    /** For pages: the time as a date. */
    public Date getDate() {
        return new Date(time);
    }

    Instant at() {
        return Instant.ofEpochMilli(time);
    }
}
