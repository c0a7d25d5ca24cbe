package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.peers.GitHubStandIn.RecordedStatus;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import io.cattlepi.ci.worker.WorkerState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults that are not the commit's, against the whole product: a Pi that dies mid-build and a
 * workspace whose disk fills. Both end {@code error}, say why, and say the same in S3 as on GitHub.
 * The workspace lives on a 48 MiB tmpfs of this test's own (mounted as root, as CI runs).
 */
class BuildFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    private static Path small;
    private static DemoWorld world;
    private static Controller controller;
    private static int prs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        small = Files.createDirectories(dir.resolve("small-disk"));
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", small.toString()) == 0;
        if (!mounted) {
            System.out.println("*** BuildFaultsTest SKIPPED: cannot mount a tmpfs here (not root) ***");
        }
        assumeTrue(mounted, "a small file system for the workspace needs root");
        world = DemoWorld.start(dir, new DemoWorld.Options(1, PiTimings.fast(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(5), null).with("workspace_dir", small.toString()));
        controller = Controller.start(world.config());
        await("the Pi ready", () -> controller.store().read(tx -> tx.workers()).stream()
                .allMatch(w -> w.state() == WorkerState.READY));
    }

    @AfterAll
    static void stop() throws Exception {
        if (controller != null) {
            controller.close();
        }
        if (world != null) {
            world.close();
        }
        if (small != null) {
            run("umount", "-l", small.toString());
        }
    }

    private static int run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        if (!Poll.until(WAIT, condition)) {
            throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
        }
    }

    private static SampleRepository.PullRequest deliver(Map<String, String> files) throws Exception {
        int n;
        synchronized (BuildFaultsTest.class) {
            n = ++prs;
        }
        SampleRepository.PullRequest pr = world.repo().openPullRequest(n, "change " + n, files);
        assertEquals(202, world.deliver(controller.httpPort(), "pull_request", world.pullRequestPayload("opened", pr)));
        return pr;
    }

    private static Build buildOf(String sha) {
        return controller.store().read(tx -> tx.buildsOf(DemoWorld.REPOSITORY, sha, "pull_request")).stream()
                .findFirst().orElse(null);
    }

    private static Build done(SampleRepository.PullRequest pr) throws InterruptedException {
        await("build of " + pr.headSha(), () -> buildOf(pr.headSha()) != null
                && buildOf(pr.headSha()).state() == BuildState.DONE);
        return buildOf(pr.headSha());
    }

    /** What the published result.json says, fetched from the bucket's public URL. */
    private String published(RecordedStatus status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(status.targetUrl()
                .replace("index.html", "result.json"))).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), status.targetUrl());
        return r.body();
    }

    private static RecordedStatus last(SampleRepository.PullRequest pr) {
        List<RecordedStatus> all = world.github().statusesFor(pr.headSha(), "cattlepi-ci");
        return all.get(all.size() - 1);
    }

    @Test
    void aPiThatDiesMidBuildIsAnErrorInS3AsOnGitHub() throws Exception {
        SampleRepository.PullRequest pr = deliver(Map.of(SampleRepository.SLOW, "slow\n"));
        await("running", () -> buildOf(pr.headSha()) != null && buildOf(pr.headSha()).state() == BuildState.RUNNING);
        world.rack().rack().pi(buildOf(pr.headSha()).workerId()).powerLoss(Duration.ofSeconds(20));
        Build b = done(pr);
        assertEquals(BuildResult.ERROR, b.result(), b.description());
        assertTrue(b.description().contains("stopped answering"), b.description());
        RecordedStatus status = last(pr);
        assertEquals("error", status.state());
        String result = published(status);
        assertTrue(result.contains("\"result\" : \"error\""), result);
        assertTrue(result.contains("stopped answering"), result);
    }

    @Test
    void aFullWorkspaceIsTheControllersErrorNotTheCommitsFailure() throws Exception {
        await("the Pi ready", () -> controller.store().read(tx -> tx.workers()).stream()
                .allMatch(w -> w.state() == WorkerState.READY));
        SampleRepository.PullRequest pr = deliver(Map.of("FILL", "fill\n"));
        Build b = done(pr);
        assertEquals(BuildResult.ERROR, b.result(), b.description());
        assertTrue(b.description().startsWith("no space left on device"), b.description());
        assertEquals("error", last(pr).state());
    }
}
