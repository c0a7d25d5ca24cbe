package io.cattlepi.ci.controller.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.metrics.EngineMetrics;
import io.cattlepi.ci.metrics.MetricsReport;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's HTTP server over real HTTP: JSON API, pages, token guard, health and metrics. */
class ControllerHttpTest {
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path dir;

    private Store store;
    private ControllerHttp http;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    /** Read-only controller: operator actions must never reach it in these tests. */
    private static final class NoOperations implements Operations {
        public Worker drain(String w, String r) {
            throw new AssertionError("drain must not be reached");
        }

        public Worker retire(String w, String r) {
            throw new AssertionError("retire must not be reached");
        }

        public boolean approveWorkersConfig() {
            throw new AssertionError("approve must not be reached");
        }

        public Worker undrain(String w) {
            throw new AssertionError("undrain must not be reached");
        }

        public Build retry(String b) {
            throw new AssertionError("retry must not be reached");
        }

        public String cancel(String b, String by, String reason) {
            throw new AssertionError("cancel must not be reached");
        }

        public Build autobuildNow() {
            throw new AssertionError("autobuild must not be reached");
        }

        public Optional<Path> logOf(String b) {
            return Optional.empty();
        }

        public java.util.List<String> warnings() {
            return java.util.List.of("host keys <not> checked");
        }

        public Optional<String> publishedIndex(String b) {
            return Optional.of("http://s3.local/bucket/" + b + "/index.html");
        }
    }

    @BeforeEach
    void start() {
        store = Store.open(dir.resolve("c.db"), Clock.systemUTC());
        store.write(tx -> {
            Worker w = Worker.discovered("pi-1", "10.0.0.5", 22, "b8:27:eb:00:00:01", tx.now());
            tx.transition(null, w);
            tx.transition(w, w.moveTo(WorkerState.READY, "back on stock Raspbian", tx.now()));
            tx.buildChanged(null, Build.queued("b-1", "cattlepi/cattlepi", SHA, "refs/pull/7/head", 7,
                    "https://github.com/cattlepi/cattlepi.git", "pull_request", "d-1", "m-1", "r-1", tx.now()));
            return null;
        });
        http = ControllerHttp.start("127.0.0.1", 0, store, new NoOperations(), "s3cret-token",
                () -> new ControllerHttp.Health(true, Map.of("store", "ok")),
                new MetricsReport(store, new EngineMetrics())::render, routes -> { });
    }

    @AfterEach
    void stop() {
        http.close();
        store.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void jsonApiShowsTheRackAndTheBuilds() throws Exception {
        JsonNode workers = json.readTree(get("/api/workers").body());
        assertEquals("ready", workers.get(0).get("state").asText());
        JsonNode pi = json.readTree(get("/api/workers/pi-1").body());
        assertTrue(pi.get("history").size() >= 2, pi.toString());
        JsonNode build = json.readTree(get("/api/builds/b-1").body());
        assertEquals(SHA, build.get("sha").asText());
        assertEquals("http://s3.local/bucket/b-1/index.html", build.get("logsUrl").asText());
        assertEquals(404, get("/api/builds/nope").statusCode());
    }

    @Test
    void pagesRenderTheRackAndBuilds() throws Exception {
        HttpResponse<String> rack = get("/");
        assertEquals(200, rack.statusCode());
        assertTrue(rack.body().contains("pi-1") && rack.body().contains("ready"));
        assertTrue(rack.body().contains("viewport"), "usable on a phone");
        assertTrue(rack.body().contains("<p class=warning>host keys &lt;not&gt; checked</p>"), "warnings on every page, escaped");
        assertTrue(get("/builds").body().contains("class=warning"));
        assertTrue(get("/builds").body().contains("b-1"));
        assertTrue(get("/builds/b-1").body().contains(SHA.substring(0, 7)));
    }

    @Test
    void operatorActionsNeedTheToken() throws Exception {
        assertEquals(401, post("/api/workers/pi-1/drain", null).statusCode());
        assertEquals(401, post("/api/workers/pi-1/drain", "wrong").statusCode());
        assertEquals(401, post("/api/builds/b-1/retry", "s3cret-token-not").statusCode());
        assertEquals(401, post("/api/builds/b-1/cancel", null).statusCode());
        assertFalse(post("/api/workers/pi-1/drain", "wrong").body().contains("s3cret"), "never echoes the token");
    }

    @Test
    void healthAndPrometheusMetrics() throws Exception {
        assertEquals(200, get("/healthz").statusCode());
        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("cattlepi_ci_workers{state=\"ready\"} 1"), metrics);
        assertTrue(metrics.contains("cattlepi_ci_queue_depth 1"), metrics);
        assertTrue(metrics.contains("# TYPE cattlepi_ci_dispatch_latency_seconds histogram"), metrics);
    }
}
