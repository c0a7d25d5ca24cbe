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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample repository's CattlePi-style Ansible recipe (runner piped through tee: {@code make}
 * exits 0 whatever Ansible says), built by the whole product on jailed Pis: the result is what
 * Ansible's recap says, the recipe's own SSH needs no flags and checks host keys, and a host key
 * changed behind the recipe's back stops the build. The workspace's path is 150 characters long,
 * so every socket path must stay short.
 */
class TruthfulResultsTest {
    private static final Duration WAIT = Duration.ofSeconds(150);

    @TempDir
    static Path dir;
    private static DemoWorld world;
    private static Controller controller;
    private static int prs;

    @BeforeAll
    static void start() throws Exception {
        Path workspaces = dir.resolve("w".repeat(150 - dir.toString().length() - 1));
        assertEquals(150, workspaces.toString().length());
        world = DemoWorld.start(dir, new DemoWorld.Options(2, new PiTimings(Duration.ofMillis(150),
                Duration.ofMillis(150), Duration.ofSeconds(1)), 0, Duration.ofSeconds(120), Duration.ofSeconds(5),
                Duration.ofSeconds(5), null).with("workspace_dir", workspaces.toString()).with("host_key_watch_ms", 500));
        controller = Controller.start(world.config());
        await("every Pi ready", () -> controller.store().read(tx -> tx.workers()).stream()
                .allMatch(w -> w.state() == WorkerState.READY));
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
        world.close();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        if (!Poll.until(WAIT, condition)) {
            throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
        }
    }

    private static SampleRepository.PullRequest deliver(Map<String, String> files) throws Exception {
        int n;
        synchronized (TruthfulResultsTest.class) {
            n = ++prs;
        }
        SampleRepository.PullRequest pr = world.repo().openPullRequest(n, "change " + n, files);
        assertEquals(202, world.deliver(controller.httpPort(), "pull_request", world.pullRequestPayload("opened", pr)));
        return pr;
    }

    private static Build done(SampleRepository.PullRequest pr) throws InterruptedException {
        await("build of " + pr.headSha(), () -> buildOf(pr.headSha()) != null
                && buildOf(pr.headSha()).state() == BuildState.DONE);
        return buildOf(pr.headSha());
    }

    private static Build buildOf(String sha) {
        return controller.store().read(tx -> tx.buildsOf(DemoWorld.REPOSITORY, sha, "pull_request")).stream()
                .findFirst().orElse(null);
    }

    private static String log(Build b) throws Exception {
        return Files.readString(world.config().engine().workspaces().resolve(b.id()).resolve("build.log"));
    }

    private static RecordedStatus finalStatus(SampleRepository.PullRequest pr) {
        List<RecordedStatus> all = world.github().statusesFor(pr.headSha(), "cattlepi-ci");
        return all.get(all.size() - 1);
    }

    @Test
    void aGoodAnsibleRecipeSucceedsWithItsRecapAndNoSshFlags() throws Exception {
        SampleRepository.PullRequest pr = deliver(Map.of(SampleRepository.ANSIBLE, "ansible\n"));
        Build b = done(pr);
        String log = log(b);
        assertEquals(BuildResult.SUCCESS, b.result(), b.description() + "\n" + log);
        assertTrue(log.matches("(?s).*ok=\\d+\\s+changed=\\d+\\s+unreachable=0\\s+failed=0.*"), log);
        assertTrue(log.contains("Pi rebooted"), "the keeper pinned the new boot's key: " + log);
        assertTrue(log.contains("done processing recipe raspbian_cattlepi"), log);
    }

    @Test
    void aFailingTaskFailsTheBuildQuotingTheRecapWhileMakeExitsZero() throws Exception {
        SampleRepository.PullRequest pr = deliver(Map.of(SampleRepository.ANSIBLE, "ansible\n",
                SampleRepository.ANSIBLE_FAIL, "fail\n"));
        Build b = done(pr);
        String log = log(b);
        assertEquals(BuildResult.FAILURE, b.result(), b.description() + "\n" + log);
        assertTrue(log.contains("step make raspbian_cattlepi exited 0"), log);
        RecordedStatus status = finalStatus(pr);
        assertEquals("failure", status.state());
        assertTrue(status.description().matches(".*: ok=\\d+ changed=\\d+ unreachable=0 failed=1.*"), status.description());
        assertTrue(log.contains("result rule \"Ansible recap: failed tasks\" matched"), log);
    }

    @Test
    void anInventoryWhereNoPiAnswersIsTheRecipesFailureWhileItsPiIsAlive() throws Exception {
        SampleRepository.PullRequest pr = deliver(Map.of(SampleRepository.ANSIBLE, "ansible\n",
                SampleRepository.ANSIBLE_BAD_HOST, "nobody there\n"));
        Build b = done(pr);
        assertEquals(BuildResult.FAILURE, b.result(), b.description() + "\n" + log(b));
        assertTrue(b.description().contains("unreachable=1"), b.description() + "\n" + log(b));
    }

    @Test
    void aHostKeyChangedBehindTheRecipesBackEndsInErrorAndThePiIsReset() throws Exception {
        SampleRepository.PullRequest pr = deliver(Map.of(SampleRepository.SLOW, "slow\n"));
        await("running", () -> buildOf(pr.headSha()) != null && buildOf(pr.headSha()).state() == BuildState.RUNNING);
        Build running = buildOf(pr.headSha());
        SimulatedPi pi = world.rack().rack().pi(running.workerId());
        int resets = worker(running.workerId()).health().resets();
        await("the slow part running", () -> logContains(running, "SLOW marker"));
        pi.changeHostKey();
        Build b = done(pr);
        assertEquals(BuildResult.ERROR, b.result(), b.description() + "\n" + log(b));
        assertTrue(b.description().contains("host key of Pi " + running.workerId() + " changed without a reboot"),
                b.description());
        await("the Pi reset and ready again", () -> worker(running.workerId()).state() == WorkerState.READY
                && worker(running.workerId()).health().resets() > resets);
    }

    private static boolean logContains(Build b, String text) {
        try {
            return log(b).contains(text);
        } catch (Exception e) {
            return false;
        }
    }

    private static Worker worker(String id) {
        return controller.store().read(tx -> tx.worker(id)).orElseThrow();
    }
}
