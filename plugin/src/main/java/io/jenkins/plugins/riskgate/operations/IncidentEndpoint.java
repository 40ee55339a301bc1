package io.jenkins.plugins.riskgate.operations;

import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.Extension;
import hudson.model.RootAction;
import io.jenkins.plugins.riskgate.ChangeRecords;
import io.jenkins.plugins.riskgate.EventDelivery;
import io.jenkins.plugins.riskgate.JenkinsFacade;
import io.jenkins.plugins.riskgate.RiskGatePermissions;
import io.riskgate.RiskGateException;
import io.riskgate.events.DeliveryEvent;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.IncidentPayload;
import io.riskgate.records.IncidentStore;
import io.riskgate.records.RecordStoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code POST /riskgate-incidents/report}: incidents from monitoring into the record store, as a
 * plain JSON object or Prometheus Alertmanager's webhook payload (firing opens, resolved resolves).
 * Needs the <em>ReportIncident</em> permission, which is global only: whoever holds it may report an
 * incident for any pipeline, also one they cannot read (monitoring names services, not Jenkins
 * jobs), and the answer names the deployment it was linked to. Clients authenticate with an API token, and such
 * requests need no crumb (Jenkins exempts API-token requests from CSRF protection); a browser
 * session needs one like any POST. Bodies are bounded to {@value #MAX_BODY} bytes. Each incident the report
 * opened, changed or resolved is an event for the webhook ({@code incident.opened}, {@code incident.resolved}).
 */
@Extension
@Restricted(NoExternalUse.class)
public class IncidentEndpoint implements RootAction {
    static final int MAX_BODY = 256 * 1024;

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return Messages.IncidentEndpoint_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "riskgate-incidents";
    }

    @POST
    public void doReport(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        JenkinsFacade.JENKINS.checkPermission(RiskGatePermissions.REPORT_INCIDENT, null);
        if (req.getContentLengthLong() > MAX_BODY) {
            answer(rsp, 413, Map.of("error", Messages.IncidentEndpoint_TooLarge(MAX_BODY)));
            return;
        }
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            answer(rsp, 413, Map.of("error", Messages.IncidentEndpoint_TooLarge(MAX_BODY)));
            return;
        }
        IncidentPayload.Parsed parsed;
        try {
            parsed = IncidentPayload.parse(new String(body, StandardCharsets.UTF_8),
                    IncidentPayload.Labels.DEFAULT.first(req.getParameter("pipelineLabel"), req.getParameter("environmentLabel")));
        } catch (RiskGateException e) {
            answer(rsp, 400, Map.of("error", e.getMessage()));
            return;
        }
        List<Object> results = new ArrayList<>();
        List<IncidentStore.Result> events = new ArrayList<>();
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            for (IncidentStore.Result r : store.incidents().apply(parsed.reports())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", r.incident().id());
                m.put("change", r.change().name());
                m.put("open", r.incident().open());
                m.put("deployment", r.incident().deploymentId());
                m.put("link", r.incident().link().name());
                results.add(m);
                if (r.change() != IncidentStore.Change.UNCHANGED) {
                    Telemetry.incident(r.incident(), r.change());
                    events.add(r);
                }
            }
        } catch (RecordStoreUnavailableException e) {
            answer(rsp, 503, Map.of("error", e.getMessage()));
            return;
        } catch (RiskGateException e) {
            answer(rsp, 400, Map.of("error", e.getMessage()));
            return;
        }
        for (IncidentStore.Result r : events) {
            DeliveryEvent.reported(r).forEach(e -> EventDelivery.send(e, null));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("incidents", results);
        out.put("skipped", parsed.skipped());
        answer(rsp, 200, out);
    }

    private static void answer(StaplerResponse2 rsp, int status, Map<String, ?> json) throws IOException {
        rsp.setStatus(status);
        rsp.setContentType("application/json;charset=UTF-8");
        rsp.setHeader("X-Content-Type-Options", "nosniff");
        rsp.getOutputStream().write(new ObjectMapper().writeValueAsBytes(json));
    }

}
