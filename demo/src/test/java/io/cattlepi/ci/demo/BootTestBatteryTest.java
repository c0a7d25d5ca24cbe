package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.boottest.BootTestSettings;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.peers.GitHubStandIn.RecordedStatus;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.worker.WorkerState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipe's test battery on the simulated rack: after a build whose steps passed, its Pi boots
 * the images just built (through its own CattlePi config, restored afterwards) and runs the sample
 * repository's {@code tests/raspbian_cattlepi/}; the result is the {@code cattlepi-ci/boot-test}
 * status, a JUnit report with the logs, and a table on the build's page. Every Pi comes back ready.
 */
class BootTestBatteryTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String MAIN = "cattlepi-ci";
    private static final String BOOT = BootTestSettings.DEFAULT_CONTEXT;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static DemoWorld world;
    private static Controller controller;
    private static int prs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        world = DemoWorld.start(dir, new DemoWorld.Options(2, PiTimings.fast(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(5), null).with("boot_test_boot_timeout_s", 15));
        controller = Controller.start(world.config());
        await("every Pi ready", BootTestBatteryTest::allReady);
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
        world.close();
    }

    private static boolean allReady() {
        return controller.store().read(tx -> tx.workers()).stream().allMatch(w -> w.state() == WorkerState.READY);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        if (!Poll.until(WAIT, condition)) {
            throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
        }
    }

    private SampleRepository.PullRequest deliver(Map<String, String> files) throws Exception {
        int n;
        synchronized (BootTestBatteryTest.class) {
            n = ++prs;
        }
        SampleRepository.PullRequest pr = world.repo().openPullRequest(n, "boot test " + n, files);
        assertEquals(202, world.deliver(controller.httpPort(), "pull_request", world.pullRequestPayload("opened", pr)));
        return pr;
    }

    private static Build buildOf(String sha) {
        return controller.store().read(tx -> tx.buildsOf(DemoWorld.REPOSITORY, sha, "pull_request")).stream()
                .findFirst().orElse(null);
    }

    private static Build done(SampleRepository.PullRequest pr) throws InterruptedException {
        await("build of " + pr.headSha() + " done", () -> buildOf(pr.headSha()) != null
                && buildOf(pr.headSha()).state() == BuildState.DONE);
        return buildOf(pr.headSha());
    }

    private static BootTestRecord bootTest(Build b) {
        return controller.store().read(tx -> tx.bootTest(b.id())).orElseThrow();
    }

    private static List<String> states(String sha, String context) {
        return world.github().statusesFor(sha, context).stream().map(RecordedStatus::state).toList();
    }

    private static RecordedStatus last(String sha, String context) {
        List<RecordedStatus> all = world.github().statusesFor(sha, context);
        return all.get(all.size() - 1);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String ui(String path) throws Exception {
        HttpResponse<String> r = get("http://127.0.0.1:" + controller.httpPort() + path);
        assertEquals(200, r.statusCode(), path);
        return r.body();
    }

    /** The Pi is ready again and its CattlePi config is what it was before: none of its own. */
    private static void piBackAsItWas(Build b) throws InterruptedException {
        SimulatedPi pi = world.rack().rack().pi(b.workerId());
        await(b.workerId() + " ready again", () -> controller.store().read(tx -> tx.worker(b.workerId())).orElseThrow()
                .state() == WorkerState.READY);
        assertTrue(world.rack().api().config(RackFixture.API_KEY, pi.mac()).isEmpty(), "its own config is deleted again");
        assertTrue(bootTest(b).restored());
        assertNull(pi.bootedImage(), "back on stock Raspbian");
    }

    @Test
    void aGoodImagePassesTheBatteryAndBothStatusesGoGreen() throws Exception {
        SampleRepository.PullRequest pr = deliver(Map.of("notes.txt", "a good image\n"));
        Build b = done(pr);
        assertEquals(BuildResult.SUCCESS, b.result(), b.description());
        assertEquals(List.of("pending", "success"), states(pr.headSha(), MAIN));
        assertEquals(List.of("pending", "success"), states(pr.headSha(), BOOT));
        RecordedStatus boot = last(pr.headSha(), BOOT);
        assertEquals("booted raspbian_cattlepi; 3 passed, 0 failed", boot.description());
        BootTestRecord t = bootTest(b);
        System.out.printf("boot test of a good image: %d ms (build %d ms)%n",
                Duration.between(t.startedAt(), t.finishedAt()).toMillis(),
                Duration.between(b.startedAt(), b.finishedAt()).toMillis());

        String junit = get(boot.targetUrl().replace("index.html", "boot-test.xml")).body();
        assertTrue(junit.contains("<testcase classname=\"boot-test.raspbian_cattlepi\" name=\"20-selftest\""), junit);
        assertTrue(junit.contains("failures=\"0\""), junit);
        String summary = get(boot.targetUrl().replace("index.html", "boot-test.txt")).body();
        assertTrue(summary.contains("3 tests: 3 passed"), summary);

        // Tools read what was posted as from GitHub: newest first.
        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create(world.github().url() + "/repos/"
                + DemoWorld.REPOSITORY + "/commits/" + pr.headSha() + "/statuses")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "token " + DemoWorld.GITHUB_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode statuses = JSON.readTree(listed.body());
        assertEquals(4, statuses.size(), listed.body());
        assertEquals(BOOT + " success", statuses.get(0).path("context").asText() + " " + statuses.get(0).path("state").asText());

        String page = ui("/builds/" + b.id());
        assertTrue(page.contains("id=boot-tests"), page);
        assertTrue(page.contains("data-test=\"20-selftest\""), page);
        assertTrue(page.contains("id=boot-test-status>success<"), page);
        assertTrue(ui("/builds").contains("data-boot-test=\"success\""));
        assertEquals("success", JSON.readTree(ui("/api/builds/" + b.id())).path("bootTest").path("state").asText());
        piBackAsItWas(b);
    }

    @Test
    void aFailingTestOfTheBatteryIsAFailureNamingIt() throws Exception {
        SampleRepository.PullRequest pr = deliver(Map.of(SampleRepository.BOOT_TEST_FAIL, "a broken self-test\n"));
        Build b = done(pr);
        assertEquals(BuildResult.SUCCESS, b.result(), "the build itself passed: " + b.description());
        assertEquals(List.of("pending", "success"), states(pr.headSha(), MAIN));
        assertEquals(List.of("pending", "failure"), states(pr.headSha(), BOOT));
        RecordedStatus boot = last(pr.headSha(), BOOT);
        assertEquals("2 passed, 1 failed: 20-selftest", boot.description());
        String junit = get(boot.targetUrl().replace("index.html", "boot-test.xml")).body();
        int failing = junit.indexOf("name=\"20-selftest\"");
        assertTrue(failing > 0 && junit.indexOf("<failure message=\"exit code 1\"", failing) > failing, junit);
        assertTrue(junit.contains("self-test: the image is broken"), junit);
        JsonNode api = JSON.readTree(ui("/api/builds/" + b.id() + "/boot-test"));
        assertEquals("failure", api.path("state").asText());
        assertEquals(1, api.path("failed").asInt());
        piBackAsItWas(b);
    }

    @Test
    void aCorruptImageIsAnErrorAndThePiComesBack() throws Exception {
        SampleRepository.PullRequest pr = deliver(Map.of(SampleRepository.CORRUPT_IMAGE, "bytes rot on the way\n"));
        Build b = done(pr);
        assertEquals(BuildResult.SUCCESS, b.result(), b.description());
        assertEquals(List.of("pending", "error"), states(pr.headSha(), BOOT));
        assertTrue(last(pr.headSha(), BOOT).description().startsWith("did not boot the built image within 15s"),
                last(pr.headSha(), BOOT).description());
        piBackAsItWas(b);
        assertTrue(controller.store().read(tx -> tx.events(Event.WORKER, b.workerId(), 50)).stream()
                .anyMatch(e -> e.detail().contains("building -> unknown")), "probed before reuse, never stuck");
    }

    @Test
    void aPisOwnConfigIsPutBackByteForByte() throws Exception {
        Map<String, byte[]> before = new HashMap<>();
        for (SimulatedPi pi : world.rack().rack().pis()) {
            ObjectNode own = (ObjectNode) world.rack().api().config(RackFixture.API_KEY, "default").orElseThrow().deepCopy();
            ((ObjectNode) own.get("config")).put("mystery", "kept for " + pi.name());
            world.rack().api().putConfig(RackFixture.API_KEY, pi.mac(), own);
            before.put(pi.mac(), world.rack().api().configBytes(RackFixture.API_KEY, pi.mac()).orElseThrow());
        }
        try {
            SampleRepository.PullRequest pr = deliver(Map.of("own.txt", "a Pi with its own config\n"));
            Build b = done(pr);
            assertEquals("success", bootTest(b).result().wireName(), bootTest(b).description());
            await("the Pi ready again", () -> controller.store().read(tx -> tx.worker(b.workerId())).orElseThrow()
                    .state() == WorkerState.READY);
            for (SimulatedPi pi : world.rack().rack().pis()) {
                assertArrayEquals(before.get(pi.mac()), world.rack().api().configBytes(RackFixture.API_KEY, pi.mac())
                        .orElseThrow(), pi.name());
            }
        } finally {
            for (SimulatedPi pi : world.rack().rack().pis()) {
                world.rack().api().deleteConfig(RackFixture.API_KEY, pi.mac());
            }
        }
    }
}
