package io.riskgate.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpRecordExporterTest {
    @TempDir
    Path tmp;

    HttpServer server;
    final List<String> keys = new CopyOnWriteArrayList<>();
    final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    final List<String> auth = new CopyOnWriteArrayList<>();

    /** A change-management endpoint on loopback that answers each request with the next status of {@code statuses} (the last one repeats). */
    URI endpoint(int... statuses) throws IOException {
        AtomicInteger n = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/changes", exchange -> {
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            auth.add(exchange.getRequestHeaders().getFirst("Authorization"));
            bodies.add(new ObjectMapper().readTree(exchange.getRequestBody().readAllBytes()));
            int status = statuses[Math.min(n.getAndIncrement(), statuses.length - 1)];
            byte[] body = ("status " + status).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/changes");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    HttpRecordExporter exporter(URI uri) {
        return new HttpRecordExporter(uri, "Bearer t0ken", 4, Duration.ofMillis(10), Duration.ofSeconds(5));
    }

    @Test
    void aFlakyEndpointGetsTheSameChangeUntilItTakesIt() throws Exception {
        ChangeRecord record = RecordWriterTest.record("c1");
        exporter(endpoint(503, 503, 201)).send(record);
        assertThat(keys).containsExactly(record.id(), record.id(), record.id());
        assertThat(auth).containsOnly("Bearer t0ken");
        JsonNode body = bodies.get(0);
        assertThat(body.get("id").asText()).isEqualTo(record.id());
        assertThat(body.get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(body.get("metrics").get("linesAdded").asInt()).isEqualTo(10);
        assertThat(body.get("approvals").asText()).contains("\"fine, go\"");
    }

    @Test
    void aConflictMeansTheEndpointAlreadyHasIt() throws Exception {
        exporter(endpoint(409)).send(RecordWriterTest.record("c1"));
        assertThat(keys).hasSize(1);
    }

    @Test
    void refusedCredentialsFailAtOnceWithTheStatus() throws Exception {
        URI uri = endpoint(401);
        assertThatThrownBy(() -> exporter(uri).send(RecordWriterTest.record("c1")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refused record")
                .hasMessageContaining("HTTP 401 (status 401)")
                .hasMessageContaining("the endpoint http://127.0.0.1:" + uri.getPort() + "/... refused")
                .hasMessageNotContaining("/changes");
        assertThat(keys).hasSize(1);
    }

    @Test
    void onlyTheStartOfAnEndlessReplyIsRead() throws Exception {
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.CompletableFuture<Boolean> cutOff = new java.util.concurrent.CompletableFuture<>();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/changes", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(400, 0);   // chunked, no length
            byte[] chunk = ("no such record type\n" + "x".repeat(65_000) + "\n").getBytes(StandardCharsets.UTF_8);
            try (var out = exchange.getResponseBody()) {
                for (int i = 0; i < 4_000; i++) {   // 260 MB if read to the end
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
                cutOff.complete(false);
            } catch (IOException e) {
                cutOff.complete(true);
            }
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/changes");
        assertThatThrownBy(() -> exporter(uri).send(RecordWriterTest.record("c1"))).isInstanceOf(IOException.class)
                .hasMessageEndingWith("HTTP 400 (no such record type)");
        assertThat(cutOff.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("the reply was not read to its end").isTrue();
        assertThat(written.get()).isLessThan(100_000_000L);
    }

    @Test
    void aReplyThatStallsAfterItsHeadersDoesNotHoldTheSender() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/changes", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(503, 0);
            exchange.getResponseBody().write("overloa".getBytes(StandardCharsets.UTF_8));   // and then nothing
            exchange.getResponseBody().flush();
            try {
                release.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/changes");
        HttpRecordExporter exporter = new HttpRecordExporter(uri, null, 2, Duration.ofMillis(10), Duration.ofSeconds(5))
                .replyWait(Duration.ofMillis(500));
        long started = System.nanoTime();
        try {
            assertThatThrownBy(() -> exporter.send(RecordWriterTest.record("c1"))).isInstanceOf(IOException.class)
                    .hasMessageEndingWith("after 2 attempts: HTTP 503 (the reply did not arrive within 500 ms)");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("two attempts of half a second, not a minute")
                    .isLessThan(Duration.ofSeconds(20));
        } finally {
            release.countDown();
        }
    }

    @Test
    void messagesNameTheEndpointWithoutItsCredentialsPathOrQuery() {
        assertThat(HttpRecordExporter.shown(URI.create("https://user:s3cret@hooks.example.com/services/T0/B1/t0ken?key=k3y")))
                .isEqualTo("https://hooks.example.com/...");
        assertThat(HttpRecordExporter.shown(URI.create("http://cm.example.com:8443/"))).isEqualTo("http://cm.example.com:8443");
        assertThat(HttpRecordExporter.shown(URI.create("http://cm.example.com?token=x"))).isEqualTo("http://cm.example.com/...");
        assertThatThrownBy(() -> new HttpRecordExporter(URI.create("ftp://me:pw@files.example.com/drop"), null, 1, Duration.ZERO,
                Duration.ofSeconds(1))).hasMessageContaining("got 'ftp://files.example.com/...'").hasMessageNotContaining("pw");
    }

    @Test
    void anEndpointThatStaysDownFailsAfterEveryAttemptAndTheSpoolKeepsTheRecord() throws Exception {
        URI uri = endpoint(500, 500, 500, 500, 200);
        RecordSpool spool = new RecordSpool(tmp.resolve("export-spool"));
        ChangeRecord record = RecordWriterTest.record("c1");
        HttpRecordExporter exporter = exporter(uri);
        try {
            exporter.send(record);
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("after 4 attempts: HTTP 500");
            spool.spool(record);
        }
        assertThat(spool.pending()).isEqualTo(1);
        assertThat(spool.flush(records -> {
            for (ChangeRecord r : records) {
                exporter.send(r);
            }
        })).isEqualTo(1);
        assertThat(spool.pending()).isZero();
        assertThat(keys).hasSize(5).containsOnly(record.id());
    }

    @Test
    void onlyHttpEndpoints() {
        assertThatThrownBy(() -> exporter(URI.create("file:///etc/passwd"))).hasMessageContaining("must be an http(s) URL");
    }
}
