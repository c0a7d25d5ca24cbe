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
                new MetricsReport(store, new EngineMetrics())::render, null);
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
    void aBuildWhoseFolderRetentionDeletedSaysSoInsteadOfLinkingToNothing() throws Exception {
        store.write(tx -> {
            tx.folderDeleted("b-1", 3);
            return null;
        });
        HttpResponse<String> page = get("/builds/b-1");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<span id=logs-gone class=muted>logs and artifacts in S3 deleted by retention on "),
                page.body());
        assertFalse(page.body().contains("http://s3.local/bucket/b-1/index.html"), page.body());
        JsonNode build = json.readTree(get("/api/builds/b-1").body());
        assertTrue(build.has("logsDeletedAt") && !build.has("logsUrl"), build.toString());
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
    void pagesCarryThePictures() throws Exception {
        String rack = get("/").body();
        assertTrue(rack.contains("data-timeline=\"pi-1\"") && rack.contains("class=\"tl-bar\""), "the Pi's timeline");
        assertTrue(rack.contains("<span class=addr>10.0.0.5:22</span>"), "host:port is never wrapped in the middle");
        String builds = get("/builds").body();
        assertTrue(builds.contains("id=durations") && builds.contains("queued "), "durations in words, the chart's place");
        assertTrue(get("/builds/b-1").body().contains("id=steps"));
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

    private HttpResponse<String> send(String method, String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) {
            b.header("Accept", accept);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void hostileValuesAreNeutralisedAndLongOnesElidedWithTheWholeValueOnHover() throws Exception {
        String ref = "refs/heads/\u0000nul\u202eevil\u2066" + "r".repeat(100_000);
        store.write(tx -> {
            tx.buildChanged(null, Build.queued("b-2", "cattlepi/cattlepi", SHA, ref, null,
                    "https://github.com/cattlepi/cattlepi.git", "push", "d-2", "m-2", "r-2", tx.now()));
            tx.append(io.cattlepi.ci.store.Event.BUILD, "b-2", "note", "<script>alert(1)</script>\u202e");
            return null;
        });
        for (String page : new String[] {"/builds", "/builds/b-2"}) {
            String html = get(page).body();
            assertFalse(html.contains("\u0000") || html.contains("\u202e") || html.contains("\u2066"), page + ": raw controls");
            assertTrue(html.contains("\\u0000nul\\u202eevil\\u2066"), page + ": shown as escapes");
            assertFalse(html.contains("<script>alert"), page);
            int visible = html.indexOf("\">refs/heads/");
            assertTrue(visible > 0 && html.indexOf("…</span>", visible) - visible < 200, page + ": the ref is elided");
            assertTrue(html.contains("title=\"refs/heads/\\u0000nul\\u202eevil\\u2066" + "r".repeat(100_000) + "\""),
                    page + ": the whole value on hover");
        }
        assertTrue(get("/builds/b-2").body().contains("&lt;script&gt;alert(1)&lt;/script&gt;\\u202e"));
    }

    @Test
    void errorAnswersNeverPutTheRequestIntoHtml() throws Exception {
        HttpResponse<String> r = send("GET", "/builds/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "text/html");
        assertEquals(404, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        assertEquals("no build <script>alert(1)</script>", json.readTree(r.body()).get("title").asText());
    }

    @Test
    void theBuildListIsBoundedAndABadLimitIsRefusedNamingWhy() throws Exception {
        for (String bad : new String[] {"-1", "0", "1001", "abc", "99999999999"}) {
            HttpResponse<String> r = get("/api/builds?limit=" + bad);
            assertEquals(400, r.statusCode(), bad);
            assertTrue(r.body().contains("limit"), r.body());
        }
        assertEquals(200, get("/api/builds?limit=1000").statusCode());
        assertEquals(200, get("/api/builds").statusCode(), "no limit: the default");
        assertEquals(1, json.readTree(get("/api/builds?limit=1").body()).size());
    }

    @Test
    void wrongMethodsAre405WithAllowNot404() throws Exception {
        HttpResponse<String> post = send("POST", "/api/workers", null);
        assertEquals(405, post.statusCode(), post.body());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> delete = send("DELETE", "/builds/b-1", "text/html");
        assertEquals(405, delete.statusCode());
        assertEquals("GET, HEAD", delete.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> get = send("GET", "/api/workers/pi-1/drain", null);
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        assertEquals(404, send("GET", "/no/such/page", null).statusCode());
    }

    @Test
    void theOperatorsTerminalGetsNoControlCharactersFromTheApi() throws Exception {
        store.write(tx -> {
            Build b = tx.build("b-1").orElseThrow();
            tx.putBuild(b.withState(b.state(), "ok\u001b[2J\r\nb-9 done success (forged)\u202e"));
            return null;
        });
        java.io.StringWriter out = new java.io.StringWriter();
        var cli = io.cattlepi.ci.controller.cli.CattlePiCiCommand.commandLine();
        cli.setOut(new java.io.PrintWriter(out));
        assertEquals(0, cli.execute("builds", "--url", "http://127.0.0.1:" + http.port()));
        String text = out.toString();
        assertFalse(text.contains("\u001b") || text.contains("\r") || text.contains("\u202e"), text);
        assertEquals(2, text.strip().split("\n").length, "a header and one build: " + text);
        assertTrue(text.contains("ok\\u001b[2J\\r\\nb-9 done success (forged)\\u202e"), text);
    }
}
