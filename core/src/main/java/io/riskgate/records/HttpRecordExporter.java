package io.riskgate.records;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sends change records to an external change-management endpoint: one POST of the record's JSON
 * each, with header {@code Idempotency-Key: <record id>} so that a retry is recognised as the same
 * change, never a new one. Server errors, timeouts and lost connections are retried with growing
 * pauses; any other client error (a wrong URL, refused credentials) fails at once with the status.
 */
public final class HttpRecordExporter {
    private final URI endpoint;
    /** At most this much of an endpoint's reply is read. */
    static final int MAX_REPLY_BYTES = 4096;
    /** The endpoint as messages name it: without user, password, path or query, which may hold its secret. */
    private final String shown;
    private final String authorization;
    private final int attempts;
    private final Duration pause;
    private final HttpClient client;

    /**
     * @param authorization the value of the Authorization header ("Bearer ...", "Basic ..."), or null
     * @param attempts how often to try each record (at least 1)
     * @param pause the first pause between attempts; it doubles each time
     */
    public HttpRecordExporter(URI endpoint, String authorization, int attempts, Duration pause, Duration timeout) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new RecordStoreException("the change-management endpoint must be an http(s) URL (got '" + shown(endpoint) + "')");
        }
        this.endpoint = endpoint;
        this.shown = shown(endpoint);
        this.authorization = authorization;
        this.attempts = Math.max(1, attempts);
        this.pause = pause;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Delivers one record, retrying as described; throws with the last reason when every attempt failed. */
    public void send(ChangeRecord record) throws IOException {
        post(record.id(), new ObjectMapper().writeValueAsBytes(ChangeRecordJson.toMap(record)), "record " + record.id());
    }

    /**
     * POSTs one JSON document with {@code Idempotency-Key: key}, retrying as {@link #send} does;
     * {@code what} names it in the errors ("record ...", "event ...").
     */
    public void post(String key, byte[] json, String what) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        String reason = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<java.io.InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status / 100 == 2 || status == 409) {
                    response.body().close();   // the status says it all; the reply is left unread
                    return;   // 409: the endpoint already has this one (an earlier attempt got through)
                }
                reason = "HTTP " + status + replyStart(response.body());
                if (status / 100 == 4 && status != 408 && status != 429) {
                    throw new Refused("the endpoint " + shown + " refused " + what + ": " + reason);
                }
            } catch (Refused e) {
                throw e;
            } catch (IOException e) {
                reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while sending " + what, e);
            }
            if (attempt < attempts) {
                sleep(pause.multipliedBy(1L << (attempt - 1)));
            }
        }
        throw new IOException("the endpoint " + shown + " did not take " + what + " after " + attempts + " attempts: " + reason);
    }

    /** A client error: retrying would not help. */
    private static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * An endpoint as errors and logs may show it: scheme, host and port, with {@code /...} for a path or
     * query (webhook URLs often carry their token in the path or query, credentials before the host).
     */
    public static String shown(URI endpoint) {
        String host = endpoint.getHost() == null ? "?" : endpoint.getHost();
        String rest = (endpoint.getRawPath() != null && !endpoint.getRawPath().isEmpty() && !endpoint.getRawPath().equals("/"))
                || endpoint.getRawQuery() != null ? "/..." : "";
        return endpoint.getScheme() + "://" + host + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()) + rest;
    }

    /** How long the start of a reply may take to arrive once its headers have: the request's timeout covers only the headers. */
    private Duration replyWait = Duration.ofSeconds(30);

    /** The same, waiting at most {@code wait} for the start of a reply (tests). */
    HttpRecordExporter replyWait(Duration wait) {
        this.replyWait = wait;
        return this;
    }

    /** Closes reply streams that take too long: a reply that trickles or stalls must not hold the sending thread. */
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "riskgate endpoint reply watchdog");
                t.setDaemon(true);
                return t;
            });

    /** The first line of the reply's first {@value #MAX_REPLY_BYTES} bytes, for an error; the rest is left unread. */
    private String replyStart(java.io.InputStream in) throws IOException {
        // set before the stream is closed: the reader's failure may arrive before the watchdog's task has returned
        java.util.concurrent.atomic.AtomicBoolean cutOff = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> cut = WATCHDOG.schedule(() -> {
            cutOff.set(true);
            try {
                in.close();
            } catch (IOException e) {
                // closing is all it can do
            }
        }, replyWait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        try (in) {
            return firstLine(new String(in.readNBytes(MAX_REPLY_BYTES), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (cutOff.get()) {
                return " (the reply did not arrive within " + (replyWait.toMillis() < 1000 ? replyWait.toMillis() + " ms"
                        : replyWait.toSeconds() + " s") + ")";
            }
            throw e;
        } finally {
            cut.cancel(false);
        }
    }

    private static String firstLine(String body) {
        String line = body == null ? "" : body.strip().lines().findFirst().orElse("");
        return line.isEmpty() ? "" : " (" + (line.length() > 200 ? line.substring(0, 200) + "..." : line) + ")";
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
