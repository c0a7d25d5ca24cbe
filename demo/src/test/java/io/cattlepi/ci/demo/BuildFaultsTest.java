package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.peers.GitHubStandIn.RecordedStatus;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    private static LiveRack rack;

    @BeforeAll
    static void start() throws Exception {
        small = Files.createDirectories(dir.resolve("small-disk"));
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", small.toString()) == 0;
        if (!mounted) {
            System.out.println("*** BuildFaultsTest SKIPPED: cannot mount a tmpfs here (not root) ***");
        }
        assumeTrue(mounted, "a small file system for the workspace needs root");
        rack = LiveRack.start(dir, new DemoWorld.Options(1, PiTimings.fast(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(5), null).with("workspace_dir", small.toString()), WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (rack != null) {
            rack.close();
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

    /** What the published result.json says, fetched from the bucket's public URL. */
    private String published(RecordedStatus status) throws Exception {
        HttpResponse<String> r = rack.getUrl(status.targetUrl().replace("index.html", "result.json"));
        assertEquals(200, r.statusCode(), status.targetUrl());
        return r.body();
    }

    @Test
    void aPiThatDiesMidBuildIsAnErrorInS3AsOnGitHub() throws Exception {
        SampleRepository.PullRequest pr = rack.deliver(Map.of(SampleRepository.SLOW, "slow\n"));
        rack.await("running", () -> rack.inState(pr.headSha(), BuildState.RUNNING));
        rack.world().rack().rack().pi(rack.buildOf(pr.headSha()).workerId()).powerLoss(Duration.ofSeconds(20));
        Build b = rack.done(pr);
        assertEquals(BuildResult.ERROR, b.result(), b.description());
        assertTrue(b.description().contains("stopped answering"), b.description());
        RecordedStatus status = rack.lastStatus(pr.headSha());
        assertEquals("error", status.state());
        String result = published(status);
        assertTrue(result.contains("\"result\" : \"error\""), result);
        assertTrue(result.contains("stopped answering"), result);
    }

    @Test
    void aFullWorkspaceIsTheControllersErrorNotTheCommitsFailure() throws Exception {
        rack.await("the Pi ready", rack::allReady);
        SampleRepository.PullRequest pr = rack.deliver(Map.of("FILL", "fill\n"));
        Build b = rack.done(pr);
        assertEquals(BuildResult.ERROR, b.result(), b.description());
        assertTrue(b.description().startsWith("no space left on device"), b.description());
        assertEquals("error", rack.lastStatus(pr.headSha()).state());
    }
}
