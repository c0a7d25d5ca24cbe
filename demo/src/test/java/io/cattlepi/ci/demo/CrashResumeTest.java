package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.boottest.BootTestSettings;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.crash.CrashPoint;
import io.cattlepi.ci.peers.GitHubStandIn.RecordedStatus;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The controller as a child JVM ({@code run --config}) killed at each phase of a build, its boot
 * test included: once with SIGKILL while idle, then halted at the phase's crash point, then
 * restarted. Every build must end with exactly one final status (and one for its boot test) and one
 * message deletion, never built twice, the Pi ready and its CattlePi config as it was.
 */
class CrashResumeTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "killed while {0}")
    @ValueSource(strings = {CrashPoint.QUEUED, CrashPoint.CHECKING_OUT, CrashPoint.STEP_RUNNING,
            CrashPoint.BOOT_TEST_CONFIGURING, CrashPoint.BOOT_TEST_BOOTING, CrashPoint.BOOT_TEST_TESTING,
            CrashPoint.UPLOADING, CrashPoint.DELETING, CrashPoint.RESETTING})
    void everyBuildEndsOnceAndEveryPiReturns(String phase) throws Exception {
        try (DemoWorld world = DemoWorld.start(dir, new DemoWorld.Options(1, PiTimings.fast(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(10), Duration.ofSeconds(5), null));
             StoreView view = new StoreView(world.config().storePath())) {
            int port = world.config().server().port();
            ChildControllers controllers = new ChildControllers(world, dir);
            Process warm = controllers.start("warm", null);
            await("controller up", () -> controllers.answers(port));
            await("Pi ready", view::allReady);
            warm.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL while idle

            Process crashing = controllers.start("crash", phase);
            await("controller up again", () -> controllers.answers(port));
            await("Pi ready after the idle kill", view::allReady);
            SampleRepository.PullRequest pr = world.repo().openPullRequest(1, "crash at " + phase, Map.of("f", phase));
            try {
                assertEquals(202, world.deliver(port, "pull_request", world.pullRequestPayload("opened", pr)));
            } catch (IOException e) {
                // Queued already: the consumer took the message and halted before this response was written.
                assertEquals(CrashPoint.QUEUED, phase, "only the queued crash can cut the webhook's answer: " + e);
            }
            assertTrue(crashing.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the controller reached " + phase);
            assertEquals(137, crashing.exitValue());

            Process resumed = controllers.start("resumed", null);
            try {
                await("the build is done", () -> view.buildsOf(pr.headSha()).stream().anyMatch(b -> b.state() == BuildState.DONE));
                await("the Pi is ready", view::allReady);
                // Deleted in SQS first, then recorded: wait for both, or the record may lag the queue.
                await("the message is gone and recorded so", () -> world.sqs().depth(world.queueUrl()) == 0
                        && view.buildsOf(pr.headSha()).stream().allMatch(Build::messageDeleted));
            } catch (AssertionError e) {
                System.out.println(controllers.tail("crash") + controllers.tail("resumed"));
                throw e;
            } finally {
                resumed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            List<Build> builds = view.buildsOf(pr.headSha());
            assertEquals(1, builds.size(), "built once: " + builds);
            assertTrue(builds.get(0).messageDeleted());
            List<String> finals = finals(world, pr.headSha(), "cattlepi-ci");
            assertEquals(1, finals.size(), "one final status: " + world.github().statusesFor(pr.headSha()));
            // Its boot test too: one final status (error when the crash cut it short), and the Pi's own
            // CattlePi config as it was before (none).
            List<String> bootTest = finals(world, pr.headSha(), BootTestSettings.DEFAULT_CONTEXT);
            assertEquals(List.of(phase.startsWith("boot-test") ? "error" : "success"), bootTest,
                    "one final boot-test status: " + world.github().statusesFor(pr.headSha()));
            String mac = world.rack().rack().pis().get(0).mac();
            await("the Pi's CattlePi config restored", () -> world.rack().api().config(RackFixture.API_KEY, mac).isEmpty());
        }
    }

    private static List<String> finals(DemoWorld world, String sha, String context) {
        return world.github().statusesFor(sha, context).stream().map(RecordedStatus::state)
                .filter(s -> !s.equals("pending")).toList();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        if (!Poll.until(WAIT, condition)) {
            throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
        }
    }
}
