package io.riskgate.cli;

import io.riskgate.RiskGateException;
import io.riskgate.events.DeliveryEvent;
import io.riskgate.records.HttpRecordExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --webhook URL}: also POSTs the command's events to a webhook, as Jenkins sends them
 * (docs/telemetry.md#events): the same JSON and ids, {@code Idempotency-Key}, the record export's
 * retries; a Bearer token from {@code RISKGATE_WEBHOOK_TOKEN}.
 */
final class WebhookOption {
    static final String TOKEN = "RISKGATE_WEBHOOK_TOKEN";

    @Option(names = "--webhook", paramLabel = "URL",
            description = "Also POST the event (incident.opened, incident.resolved, review.added) to this webhook, with its stable id as"
                    + " Idempotency-Key (Bearer token from " + TOKEN + "). Not sent: exit 5, the store keeps what was written; run the command again.")
    String url;

    /** The webhook's sender, checked before anything is written; null without --webhook. */
    HttpRecordExporter exporter() {
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new RiskGateException("--webhook '" + url + "' is not a URL: give an http(s) URL");
        }
        String token = System.getenv(TOKEN);
        try {
            return new HttpRecordExporter(uri, token == null || token.isBlank() ? null : "Bearer " + token.strip(), 4, Duration.ofSeconds(2),
                    Duration.ofSeconds(10));
        } catch (RiskGateException e) {
            throw new RiskGateException("--webhook: " + e.getMessage().replace("the change-management endpoint", "the webhook"));
        }
    }

    /** Sends the events in order; OK, or RETRY with one line on stderr naming the first one the webhook did not take. */
    static int send(HttpRecordExporter exporter, List<DeliveryEvent> events, PrintWriter out, PrintWriter err) {
        if (exporter == null) {
            return ExitCodes.OK;
        }
        for (DeliveryEvent e : events) {
            try {
                exporter.post(e.id(), e.toJson(), "event " + e.id());
                out.println("sent event " + e.id() + " (" + e.type() + ") to the webhook");
            } catch (IOException x) {
                err.println("riskgate: the " + e.type() + " event " + e.id() + " was not sent (the store has what was written; run the command"
                        + " again to send it, with the same id): " + x.getMessage());
                err.flush();
                return ExitCodes.RETRY;
            }
        }
        return ExitCodes.OK;
    }
}
