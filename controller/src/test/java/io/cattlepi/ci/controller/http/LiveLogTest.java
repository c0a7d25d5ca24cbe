package io.cattlepi.ci.controller.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live log over server-sent events with lines far longer than one event, and a last line without its newline. */
class LiveLogTest {
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Store store;
    private ControllerHttp http;
    private Path log;

    /** Serves one log file for every build; no operator action. */
    private final class LogOnly implements Operations {
        public Worker drain(String w, String r) {
            throw new UnsupportedOperationException();
        }

        public Worker undrain(String w) {
            throw new UnsupportedOperationException();
        }

        public Worker retire(String w, String r) {
            throw new UnsupportedOperationException();
        }

        public Build retry(String b) {
            throw new UnsupportedOperationException();
        }

        public Build autobuildNow() {
            throw new UnsupportedOperationException();
        }

        public String cancel(String buildId, String by, String reason) {
            throw new UnsupportedOperationException();
        }

        public boolean approveWorkersConfig() {
            throw new UnsupportedOperationException();
        }

        public Optional<Path> logOf(String buildId) {
            return Optional.of(log);
        }

        public Optional<String> publishedIndex(String buildId) {
            return Optional.empty();
        }
    }

    @BeforeEach
    void start() {
        log = dir.resolve("build.log");
        store = Store.open(dir.resolve("l.db"), Clock.systemUTC());
        store.write(tx -> {
            tx.buildChanged(null, Build.queued("b-1", "cattlepi/cattlepi", SHA, "refs/heads/master", null,
                    "https://github.com/cattlepi/cattlepi.git", "push", "d-1", "m-1", "r-1", tx.now())
                    .withState(BuildState.RUNNING, "running"));
            return null;
        });
        http = ControllerHttp.start("127.0.0.1", 0, store, new LogOnly(), null,
                () -> new ControllerHttp.Health(true, Map.of()), () -> "", null);
    }

    @AfterEach
    void stop() {
        http.close();
        store.close();
    }

    @Test
    void longLinesArriveWholeInPiecesAndTheStreamEndsOnlyAfterTheLastByte() throws Exception {
        // 3-byte characters, so pieces of 64 KiB fall inside characters and must be cut before them.
        String longLine = "€".repeat(150_000);
        String lines = "first line\n" + longLine + "\n" + "x".repeat(300_000) + "\n";
        String last = "last line, no newline yet ✓";
        Files.writeString(log, lines + last);

        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<Void>> stream = client.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http.port() + "/builds/b-1/log/stream"))
                        .header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.fromLineSubscriber(new java.util.concurrent.Flow.Subscriber<String>() {
                    private String event = "";

                    public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    public void onNext(String line) {
                        if (line.startsWith("event:")) {
                            event = line.substring(6).trim();
                        } else if (line.startsWith("data:")) {
                            events.add(event + " " + line.substring(5).trim());
                        }
                    }

                    public void onError(Throwable t) {
                        events.add("error " + t);
                    }

                    public void onComplete() {
                        events.add("closed");
                    }
                }));
        try {
            StringBuilder text = new StringBuilder();
            int pieces = 0;
            while (text.length() < lines.length()) {
                JsonNode d = next(events, "log");
                text.append(d.get("text").asText());
                pieces++;
            }
            assertEquals(lines, text.toString(), "every line, whole, in order; nothing of the unfinished last line");
            assertTrue(pieces > 10, "a line longer than an event goes out in pieces: " + pieces);

            store.write(tx -> {
                Build b = tx.build("b-1").orElseThrow();
                tx.buildChanged(b, b.finished(BuildResult.SUCCESS, "ok", tx.now()).withState(BuildState.DONE, "ok"));
                return null;
            });
            assertEquals(last, next(events, "log").get("text").asText(), "the build is over: its last line too");
            JsonNode end = next(events, "end");
            assertEquals((lines + last).getBytes(StandardCharsets.UTF_8).length, end.get("offset").asLong());
        } finally {
            stream.cancel(true);
        }
    }

    private static JsonNode next(LinkedBlockingQueue<String> events, String kind) throws Exception {
        String e = events.poll(30, TimeUnit.SECONDS);
        assertNotNull(e, "no " + kind + " event within 30 s");
        assertTrue(e.startsWith(kind + " "), "expected " + kind + ", got " + e.substring(0, Math.min(200, e.length())));
        return JSON.readTree(e.substring(kind.length() + 1));
    }
}
