package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.peers.GitHubStandIn.RecordedStatus;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
    private static LiveRack rack;

    @BeforeAll
    static void start() throws Exception {
        Path workspaces = dir.resolve("w".repeat(150 - dir.toString().length() - 1));
        assertEquals(150, workspaces.toString().length());
        rack = LiveRack.start(dir, new DemoWorld.Options(2, new PiTimings(Duration.ofMillis(150),
                Duration.ofMillis(150), Duration.ofSeconds(1)), 0, Duration.ofSeconds(120), Duration.ofSeconds(5),
                Duration.ofSeconds(5), null).with("workspace_dir", workspaces.toString()).with("host_key_watch_ms", 500),
                WAIT);
    }

    @AfterAll
    static void stop() {
        if (rack != null) {
            rack.close();
        }
    }

    @Test
    void aGoodAnsibleRecipeSucceedsWithItsRecapAndNoSshFlags() throws Exception {
        SampleRepository.PullRequest pr = rack.deliver(Map.of(SampleRepository.ANSIBLE, "ansible\n"));
        Build b = rack.done(pr);
        String log = rack.log(b);
        assertEquals(BuildResult.SUCCESS, b.result(), b.description() + "\n" + log);
        assertTrue(log.matches("(?s).*ok=\\d+\\s+changed=\\d+\\s+unreachable=0\\s+failed=0.*"), log);
        assertTrue(log.contains("Pi rebooted"), "the keeper pinned the new boot's key: " + log);
        assertTrue(log.contains("done processing recipe raspbian_cattlepi"), log);
    }

    @Test
    void aFailingTaskFailsTheBuildQuotingTheRecapWhileMakeExitsZero() throws Exception {
        SampleRepository.PullRequest pr = rack.deliver(Map.of(SampleRepository.ANSIBLE, "ansible\n",
                SampleRepository.ANSIBLE_FAIL, "fail\n"));
        Build b = rack.done(pr);
        String log = rack.log(b);
        assertEquals(BuildResult.FAILURE, b.result(), b.description() + "\n" + log);
        assertTrue(log.contains("step make raspbian_cattlepi exited 0"), log);
        RecordedStatus status = rack.lastStatus(pr.headSha());
        assertEquals("failure", status.state());
        assertTrue(status.description().matches(".*: ok=\\d+ changed=\\d+ unreachable=0 failed=1.*"), status.description());
        assertTrue(log.contains("result rule \"Ansible recap: failed tasks\" matched"), log);
    }

    @Test
    void anInventoryWhereNoPiAnswersIsTheRecipesFailureWhileItsPiIsAlive() throws Exception {
        SampleRepository.PullRequest pr = rack.deliver(Map.of(SampleRepository.ANSIBLE, "ansible\n",
                SampleRepository.ANSIBLE_BAD_HOST, "nobody there\n"));
        Build b = rack.done(pr);
        assertEquals(BuildResult.FAILURE, b.result(), b.description() + "\n" + rack.log(b));
        assertTrue(b.description().contains("unreachable=1"), b.description() + "\n" + rack.log(b));
    }

    @Test
    void aHostKeyChangedBehindTheRecipesBackEndsInErrorAndThePiIsReset() throws Exception {
        SampleRepository.PullRequest pr = rack.deliver(Map.of(SampleRepository.SLOW, "slow\n"));
        rack.await("running", () -> rack.inState(pr.headSha(), BuildState.RUNNING));
        Build running = rack.buildOf(pr.headSha());
        SimulatedPi pi = rack.world().rack().rack().pi(running.workerId());
        int resets = rack.worker(running.workerId()).health().resets();
        rack.await("the slow part running", () -> rack.log(running).contains("SLOW marker"));
        pi.changeHostKey();
        Build b = rack.done(pr);
        assertEquals(BuildResult.ERROR, b.result(), b.description() + "\n" + rack.log(b));
        assertTrue(b.description().contains("host key of Pi " + running.workerId() + " changed without a reboot"),
                b.description());
        rack.await("the Pi reset and ready again", () -> rack.worker(running.workerId()).state() == WorkerState.READY
                && rack.worker(running.workerId()).health().resets() > resets);
    }
}
