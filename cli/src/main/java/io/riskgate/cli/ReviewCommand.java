package io.riskgate.cli;

import io.riskgate.events.DeliveryEvent;
import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.HttpRecordExporter;
import io.riskgate.records.IncidentStore;
import io.riskgate.records.RecordQuery;
import io.riskgate.records.Review;
import io.riskgate.report.DeliveryReport;
import io.riskgate.report.TerminalText;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "review", mixinStandardHelpOptions = true,
        description = {"Post-incident reviews of failed, rolled-back or incident-linked deployments: attach one, or list the",
                "failures still waiting for theirs (readiness and the requireReviewedFailures gate rule read them)."},
        subcommands = {ReviewCommand.Add.class, ReviewCommand.Pending.class})
final class ReviewCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: add or pending");
    }

    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Attaches a review to a deployment (replacing an earlier one); its change record's pirUrl becomes the URL.",
            footer = {"", "Example:", "  riskgate review add --deployment 3f2a... --url https://wiki.example.com/pir/42 --author alice"})
    static final class Add implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        StoreOption store;

        @Option(names = "--deployment", required = true, paramLabel = "ID", description = "The change record id ('riskgate review pending' lists them).")
        String deployment;

        @Option(names = "--url", required = true, paramLabel = "URL", description = "Where the review is written up (http or https).")
        String url;

        @Option(names = "--author", required = true, paramLabel = "USER")
        String author;

        @Option(names = "--date", paramLabel = "T", description = "When it was reviewed (default: now).")
        String date;

        @Option(names = "--summary", paramLabel = "TEXT", description = "What was learned, in a sentence or two.")
        String summary;

        @Mixin
        WebhookOption webhook;

        @Override
        public Integer call() {
            Review review = new Review(deployment, url, author, date == null ? Instant.now() : Times.parse(date, "--date"), summary);
            HttpRecordExporter exporter = webhook.exporter();
            PrintWriter out = spec.commandLine().getOut();
            DeliveryEvent event;
            try (ChangeRecordStore s = store.open()) {
                IncidentStore.Change change = s.incidents().review(review);
                ChangeRecord reviewed = s.find(review.deploymentId()).orElse(null);
                event = DeliveryEvent.reviewAdded(review, reviewed == null ? null : reviewed.pipeline(), reviewed == null ? null : reviewed.environment());
                out.println("review of deployment " + review.deploymentId() + " " + switch (change) {
                    case ADDED -> "attached";
                    case UPDATED -> "replaced";
                    case UNCHANGED -> "unchanged";
                });
            }
            int sent = WebhookOption.send(exporter, List.of(event), out, spec.commandLine().getErr());
            Output.check(out);
            return sent;
        }
    }

    @Command(name = "pending", mixinStandardHelpOptions = true,
            description = "Lists failed, rolled-back and incident-linked deployments without a review, oldest first, with their age.")
    static final class Pending implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        StoreOption store;

        @Mixin
        QueryOptions query;

        @Option(names = "--older-than-days", paramLabel = "N", description = "Only failures that finished more than N days ago.")
        Integer olderThanDays;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Instant now = Instant.now();
            RecordQuery q = query.query();
            if (olderThanDays != null) {
                Instant before = now.minus(Duration.ofDays(olderThanDays));
                q = new RecordQuery(q.environment(), q.pipeline(), q.since(),
                        q.until() == null || q.until().isAfter(before) ? before : q.until());
            }
            try (ChangeRecordStore s = store.openExisting()) {
                List<IncidentStore.AwaitingReview> pending = s.incidents().awaitingReview(q, 1000);
                for (IncidentStore.AwaitingReview a : pending) {
                    out.printf("%-32s %-20s %-12s %-10s %-22s %s old%n", a.deploymentId(), TerminalText.safe(a.pipeline()),
                            TerminalText.safe(a.environment()), TerminalText.safe(a.commit().substring(0, Math.min(10, a.commit().length()))),
                            a.why(), DeliveryReport.duration((double) Duration.between(a.finishedAt(), now).toSeconds()));
                }
                out.println(pending.size() + " deployment" + (pending.size() == 1 ? "" : "s") + " waiting for a post-incident review");
            }
            Output.check(out);
            return ExitCodes.OK;
        }
    }
}
