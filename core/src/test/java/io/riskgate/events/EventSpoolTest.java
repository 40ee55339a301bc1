package io.riskgate.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drain rules of events on their way to the webhook. */
class EventSpoolTest {
    @TempDir
    Path dir;

    static DeliveryEvent event(String n) {
        return DeliveryEvent.promotionEnded("shop", 1, "p-" + n, "production", "a", "EXPIRED", "note " + n, null, Instant.parse("2026-12-01T10:00:00Z"));
    }

    @Test
    void eventsGoOutInOrderAndEachIsRemovedOnceTaken() throws IOException {
        EventSpool spool = new EventSpool(dir);
        List<String> sent = new ArrayList<>();
        for (String n : List.of("1", "2", "3")) {
            assertThat(spool.spool(event(n))).isTrue();
        }
        assertThat(spool.spool(event("2"))).as("the same id again").isFalse();
        assertThat(spool.pending()).isEqualTo(3);
        EventSpool.Drain drain = spool.drain((id, json) -> sent.add(id + " " + new String(json, StandardCharsets.UTF_8)));
        assertThat(drain).isEqualTo(new EventSpool.Drain(3, 0, null));
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0)).startsWith(event("1").id() + " {\"id\":\"" + event("1").id() + "\"");
        assertThat(sent.get(1)).startsWith(event("2").id());
        assertThat(sent.get(2)).startsWith(event("3").id()).contains("\"note\":\"note 3\"");
        assertThat(spool.drain((id, json) -> sent.add(id))).isEqualTo(new EventSpool.Drain(0, 0, null));
    }

    @Test
    void theFirstEventNotTakenStopsTheDrainAndStaysWithEveryLaterOne() throws IOException {
        EventSpool spool = new EventSpool(dir);
        for (String n : List.of("1", "2", "3")) {
            spool.spool(event(n));
        }
        List<String> sent = new ArrayList<>();
        EventSpool.Drain drain = spool.drain((id, json) -> {
            if (id.equals(event("2").id())) {
                throw new IOException("HTTP 500");
            }
            sent.add(id);
        });
        assertThat(drain).isEqualTo(new EventSpool.Drain(1, 2, "HTTP 500"));
        assertThat(sent).containsExactly(event("1").id());
        // a new spool on the same directory (the controller restarted) sends the rest, in order
        assertThat(new EventSpool(dir).drain((id, json) -> sent.add(id))).isEqualTo(new EventSpool.Drain(2, 0, null));
        assertThat(sent).containsExactly(event("1").id(), event("2").id(), event("3").id());
    }

    @Test
    void beyondItsCapacityTheOldestAreDroppedAndCounted() throws IOException {
        EventSpool spool = new EventSpool(dir, 2);
        for (String n : List.of("1", "2", "3", "4")) {
            spool.spool(event(n));
        }
        assertThat(spool.pending()).isEqualTo(2);
        assertThat(spool.dropped()).isEqualTo(2);
        assertThat(spool.contains(event("1").id())).isFalse();
        assertThat(spool.contains(event("4").id())).isTrue();
        List<String> sent = new ArrayList<>();
        spool.drain((id, json) -> sent.add(id));
        assertThat(sent).containsExactly(event("3").id(), event("4").id());
    }

    @Test
    void anEmptyOrMissingDirectoryHasNothingAndUnrelatedFilesAreLeftAlone() throws IOException {
        assertThat(new EventSpool(dir.resolve("none")).drain((id, json) -> { throw new IOException("never"); }))
                .isEqualTo(new EventSpool.Drain(0, 0, null));
        Files.writeString(dir.resolve("notes.txt"), "x");
        Files.writeString(dir.resolve(".event123.tmp"), "half");
        assertThat(new EventSpool(dir).pending()).isZero();
    }

    @Test
    void aDrainsFailureForABuildsLogHasTheStatusOnly() {
        assertThat(new EventSpool.Drain(0, 3, "the endpoint https://hooks.example.com/... refused event e1: HTTP 403 (token t0ken is wrong)")
                .brief()).isEqualTo("the webhook answered HTTP 403; the controller's log has the details");
        assertThat(new EventSpool.Drain(0, 3, "the endpoint https://hooks.example.com/... did not take event e1 after 4 attempts:"
                + " ConnectException: Connection refused").brief())
                .isEqualTo("the webhook did not answer; the controller's log has the details");
        assertThat(new EventSpool.Drain(2, 0, null).brief()).isNull();
    }
}
