package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.peers.GitHubStandIn.RecordedStatus;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product in one JVM over real protocols: signed deliveries to {@code POST /webhook},
 * ElasticMQ, the engine leasing simulated Pis over SSH, the sample recipe rebooting them, statuses
 * on the GitHub stand-in, logs in S3Proxy, and every Pi reset back to ready.
 */
class EndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;
    private static LiveRack rack;
    private static DemoWorld world;
    private static Controller controller;

    @BeforeAll
    static void start() throws Exception {
        rack = LiveRack.start(dir, new DemoWorld.Options(3, PiTimings.fast(), 0, JOB_TIMEOUT, Duration.ofSeconds(5),
                Duration.ofSeconds(5), null), WAIT);
        world = rack.world();
        controller = rack.controller();
    }

    @AfterAll
    static void stop() {
        if (rack != null) {
            rack.close();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        rack.await(what, condition);
    }

    private SampleRepository.PullRequest openAndDeliver(Map<String, String> files) throws Exception {
        return rack.deliver(files);
    }

    private Build doneBuildOf(String sha) throws InterruptedException {
        await("build of " + sha + " done", () -> rack.inState(sha, BuildState.DONE));
        return buildOf(sha);
    }

    private static Build buildOf(String sha) {
        return rack.buildOf(sha);
    }

    /** The build's own statuses (its boot test reports on a context of its own). */
    private List<String> states(String sha) {
        return rack.states(sha);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return rack.getUrl(url);
    }

    @Test
    void aPullRequestBuildsOnAPiAndReportsSuccessWithItsLogs() throws Exception {
        SampleRepository.PullRequest pr = openAndDeliver(Map.of("notes.txt", "a good change\n"));
        Build b = doneBuildOf(pr.headSha());
        assertEquals(BuildResult.SUCCESS, b.result(), b.description());
        assertEquals(List.of("pending", "success"), states(pr.headSha()));
        RecordedStatus last = world.github().statusesFor(pr.headSha(), "cattlepi-ci").get(1);
        assertEquals("cattlepi-ci", last.context());
        assertEquals("all 2 steps passed", last.description());

        HttpResponse<String> index = get(last.targetUrl());
        assertEquals(200, index.statusCode());
        assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        HttpResponse<String> log = get(last.targetUrl().replace("index.html", "build.log"));
        assertEquals(200, log.statusCode());
        // as uploaded, "text/plain; charset=utf-8"; S3Proxy's Jetty drops the space
        assertEquals("text/plain;charset=utf-8", log.headers().firstValue("Content-Type").orElse("").replace(" ", ""));
        assertTrue(log.body().contains("the Pi is back"), log.body());
        assertEquals(200, get(last.targetUrl().replace("index.html", "result.json")).statusCode());
        assertTrue(b.messageDeleted());
        await("queue empty", () -> world.sqs().depth(world.queueUrl()) == 0);
        await("the Pi is reset and ready", () -> controller.store().read(tx -> tx.worker(b.workerId())).orElseThrow()
                .state() == WorkerState.READY);
    }

    @Test
    void aGitHubOutageDelaysTheStatusButNotTheRack() throws Exception {
        world.github().failNext(4, 502);
        SampleRepository.PullRequest pr = openAndDeliver(Map.of("outage.txt", "github is down\n"));
        await("the build's result is known", () -> buildOf(pr.headSha()) != null && buildOf(pr.headSha()).result() != null);
        String pi = buildOf(pr.headSha()).workerId();
        Build b = doneBuildOf(pr.headSha());
        assertEquals(BuildResult.SUCCESS, b.result());
        assertEquals("success", states(pr.headSha()).get(states(pr.headSha()).size() - 1), "posted once GitHub is back");
        assertTrue(controller.store().read(tx -> tx.events(io.cattlepi.ci.store.Event.BUILD, b.id(), 50)).stream()
                .anyMatch(e -> e.kind().equals("settle-retry")), "the status was retried with back-off");
        await("the Pi is reset meanwhile", () -> controller.store().read(tx -> tx.worker(pi)).orElseThrow()
                .state() == WorkerState.READY);
    }

    @Test
    void aFailingCommitGetsFailure() throws Exception {
        SampleRepository.PullRequest pr = openAndDeliver(Map.of(SampleRepository.FAIL, "broken\n"));
        Build b = doneBuildOf(pr.headSha());
        assertEquals(BuildResult.FAILURE, b.result());
        assertEquals(List.of("pending", "failure"), states(pr.headSha()));
        assertEquals("step `make raspbian_cattlepi` failed with exit code 2",
                world.github().statusesFor(pr.headSha(), "cattlepi-ci").get(1).description());
    }

    @Test
    void aHangingStepEndsInErrorAfterTheTimeoutWithItsProcessesGone() throws Exception {
        SampleRepository.PullRequest pr = openAndDeliver(Map.of(SampleRepository.HANG, "forever\n"));
        Build b = doneBuildOf(pr.headSha());
        assertEquals(BuildResult.ERROR, b.result());
        assertEquals(List.of("pending", "error"), states(pr.headSha()));
        assertTrue(b.description().startsWith("timed out after 15s"), b.description());
        // Only this JVM's own descendants: another checkout's suite may hang a recipe of its own meanwhile.
        await("the hanging recipe's processes are gone", () -> ProcessHandle.current().descendants()
                .noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 100000")));
        await("the Pi is back", () -> controller.store().read(tx -> tx.worker(b.workerId())).orElseThrow()
                .state() == WorkerState.READY);
    }

    @Test
    void aPiThatLosesPowerMidBuildGivesErrorAndComesBack() throws Exception {
        // The Pi loses power while the build runs and stays off longer than the recipe waits for it.
        SampleRepository.PullRequest pr = openAndDeliver(Map.of("power.txt", "pull the plug\n"));
        await("a Pi is building it", () -> buildOf(pr.headSha()) != null && buildOf(pr.headSha()).state() == BuildState.RUNNING);
        SimulatedPi pi = world.rack().rack().pi(buildOf(pr.headSha()).workerId());
        pi.powerLoss(Duration.ofSeconds(20));
        Build b = doneBuildOf(pr.headSha());
        assertEquals(BuildResult.ERROR, b.result(), b.description());
        assertEquals(List.of("pending", "error"), states(pr.headSha()));
        await("the Pi is back", () -> controller.store().read(tx -> tx.worker(b.workerId())).orElseThrow()
                .state() == WorkerState.READY);
    }

    @Test
    void theReleaseBuildRunsBothRecipesOnOnePiInAutobuild() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.httpPort()
                + "/api/autobuild")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + DemoWorld.OPERATOR_TOKEN.reveal())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        await("the autobuild is done", () -> controller.store().read(tx -> tx.recentBuilds(50)).stream()
                .anyMatch(b -> "autobuild".equals(b.event()) && b.state() == BuildState.DONE));
        Build b = controller.store().read(tx -> tx.recentBuilds(50)).stream()
                .filter(x -> "autobuild".equals(x.event())).findFirst().orElseThrow();
        assertEquals(BuildResult.SUCCESS, b.result(), b.description());
        assertEquals("all 2 steps passed", b.description());
        String log = get(world.s3().publicPrefix(DemoWorld.BUCKET) + "/" + b.id() + "/build.log").body();
        assertTrue(log.contains("published raspbian_cattlepi"), log);
        assertTrue(log.contains("is on stock Raspbian"), "waited for stock between the recipes");
        assertTrue(log.contains("published raspbian_stock"), log);
        assertTrue(controller.store().read(tx -> tx.events(io.cattlepi.ci.store.Event.WORKER, b.workerId(), 500)).stream()
                .anyMatch(e -> e.detail().contains("-> autobuild")), "the Pi was in autobuild");
    }

    private String cli(int expectedExit, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(out));
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(List.of("--url", "http://127.0.0.1:" + controller.httpPort()));
        assertEquals(expectedExit, cli.execute(argv.toArray(String[]::new)), out.toString());
        return out.toString();
    }

    @Test
    void theOperatorsCommandsDriveTheRunningController() throws Exception {
        SampleRepository.PullRequest pr = openAndDeliver(Map.of("cli.txt", "x\n"));
        Build b = doneBuildOf(pr.headSha());
        assertTrue(cli(0, "builds").contains(b.id()));
        assertTrue(cli(0, "workers").contains("pi-1"));
        assertTrue(cli(0, "status").contains("health:"));
        assertTrue(cli(1, "drain", "pi-2", "--token", "wrong").contains("HTTP 401"));
        assertTrue(cli(1, "drain", "pi-2").contains("needs the operator token"));
        String token = DemoWorld.OPERATOR_TOKEN.reveal();
        assertTrue(cli(0, "drain", "pi-2", "--token", token, "--reason", "cli test").contains("pi-2: maintenance"));
        await("pi-2 drained", () -> controller.store().read(tx -> tx.worker("pi-2")).orElseThrow().state()
                == WorkerState.MAINTENANCE);
        assertTrue(cli(0, "retire", "pi-2", "--token", token, "--reason", "dead SD card").contains("pi-2: retired"));
        assertTrue(cli(0, "undrain", "pi-2", "--token", token).contains("pi-2:"));
        assertTrue(cli(1, "drain", "no-such-pi", "--token", token).contains("HTTP 4"));
        String queued = cli(0, "retry", b.id(), "--token", token);
        assertTrue(queued.startsWith("queued "), queued);
        await("the retry is done", () -> controller.store().read(tx -> tx.buildsOf(DemoWorld.REPOSITORY, pr.headSha(),
                "pull_request")).stream().filter(x -> x.state() == BuildState.DONE).count() == 2);
        await("pi-2 ready again", () -> controller.store().read(tx -> tx.worker("pi-2")).orElseThrow().state()
                == WorkerState.READY);
    }

    @Test
    void sixRequestsOnThreePisAllFinishWithoutOverlap() throws Exception {
        List<SampleRepository.PullRequest> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sent.add(openAndDeliver(Map.of("n.txt", i + "\n")));
        }
        List<Build> builds = new ArrayList<>();
        for (SampleRepository.PullRequest pr : sent) {
            Build b = doneBuildOf(pr.headSha());
            assertEquals(BuildResult.SUCCESS, b.result(), b.description());
            builds.add(b);
        }
        for (Build a : builds) {
            for (Build o : builds) {
                if (a != o && a.workerId().equals(o.workerId())) {
                    boolean apart = !a.finishedAt().isAfter(o.startedAt()) || !o.finishedAt().isAfter(a.startedAt());
                    assertTrue(apart, a.id() + " and " + o.id() + " overlapped on " + a.workerId());
                }
            }
        }
        for (Worker w : controller.store().read(tx -> tx.workers())) {
            assertTrue(w.state() != WorkerState.BUILDING || w.buildId() != null);
        }
    }
}
