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
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @ParameterizedTest(name = "killed while {0}")
    @ValueSource(strings = {CrashPoint.QUEUED, CrashPoint.CHECKING_OUT, CrashPoint.STEP_RUNNING,
            CrashPoint.BOOT_TEST_CONFIGURING, CrashPoint.BOOT_TEST_BOOTING, CrashPoint.BOOT_TEST_TESTING,
            CrashPoint.UPLOADING, CrashPoint.DELETING, CrashPoint.RESETTING})
    void everyBuildEndsOnceAndEveryPiReturns(String phase) throws Exception {
        try (DemoWorld world = DemoWorld.start(dir, new DemoWorld.Options(1, PiTimings.fast(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(10), Duration.ofSeconds(5), null));
             StoreView view = new StoreView(world.config().storePath())) {
            int port = world.config().server().port();
            Process warm = controller(world, null, "warm");
            await("controller up", () -> answers(port));
            await("Pi ready", view::allReady);
            warm.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL while idle

            Process crashing = controller(world, phase, "crash");
            await("controller up again", () -> answers(port));
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

            Process resumed = controller(world, null, "resumed");
            try {
                await("the build is done", () -> view.buildsOf(pr.headSha()).stream().anyMatch(b -> b.state() == BuildState.DONE));
                await("the Pi is ready", view::allReady);
                // Deleted in SQS first, then recorded: wait for both, or the record may lag the queue.
                await("the message is gone and recorded so", () -> world.sqs().depth(world.queueUrl()) == 0
                        && view.buildsOf(pr.headSha()).stream().allMatch(Build::messageDeleted));
            } catch (AssertionError e) {
                System.out.println(tail("crash") + tail("resumed"));
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

    /** The end of a child controller's log, for a failure's report. */
    private String tail(String name) {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(dir.resolve("controller-" + name + ".log"));
            return "--- controller " + name + " ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60),
                    lines.size())) + "\n";
        } catch (IOException e) {
            return "--- controller " + name + ": " + e.getMessage() + "\n";
        }
    }

    private Process controller(DemoWorld world, String crashAt, String name) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath));
        if (crashAt != null) {
            argv.add("-D" + CrashPoint.PROPERTY + "=" + crashAt);
        }
        argv.addAll(List.of(Main.class.getName(), "run", "--config", world.configFile().toString()));
        File log = dir.resolve("controller-" + name + ".log").toFile();
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log).start();
    }

    private boolean answers(int port) {
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        if (!Poll.until(WAIT, condition)) {
            throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
        }
    }
}
