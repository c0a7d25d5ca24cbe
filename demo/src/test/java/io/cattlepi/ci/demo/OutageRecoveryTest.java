package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.config.ConfigLoader;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.peers.FaultProxy;
import io.cattlepi.ci.peers.GitHubStandIn.RecordedStatus;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQS, S3 and GitHub each stalled, then dropped, for {@link #OUTAGE} while a pull request is
 * delivered and built, through fault proxies between the controller and the peers. Nothing may be
 * lost or duplicated: every pull request ends with one build, one final status and its message
 * deleted, and the Pi back to ready. Prints what the webhook answered and how long after the
 * outage each build was settled (the figures in docs/reliability.md).
 */
class OutageRecoveryTest {
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(150);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Scenario(String peer, FaultProxy proxy, FaultProxy.Mode mode) {
    }

    @Test
    void everyPeerStalledOrDroppedLosesAndDuplicatesNothing() throws Exception {
        DemoWorld.Options options = new DemoWorld.Options(1, PiTimings.fast(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(5), List.of(List.of("make", "test_noop")));
        try (DemoWorld world = DemoWorld.start(dir, options);
             FaultProxy sqs = FaultProxy.start(world.sqs().endpoint().getPort());
             FaultProxy s3 = FaultProxy.start(world.s3().endpoint().getPort());
             FaultProxy github = FaultProxy.start(world.github().url().getPort())) {
            ObjectNode doc = (ObjectNode) JSON.readTree(world.configFile().toFile());
            ObjectNode endpoints = (ObjectNode) doc.path("config").path("buildcontrol").path("endpoints");
            endpoints.put("sqs", sqs.endpoint().toString());
            endpoints.put("s3", s3.endpoint().toString());
            endpoints.put("github", github.endpoint().toString());
            Path config = dir.resolve("behind-proxies.json");
            JSON.writeValue(config.toFile(), doc);
            try (Controller controller = Controller.start(ConfigLoader.load(config))) {
                await("the Pi is ready", () -> ready(controller));
                List<String> table = new ArrayList<>();
                int n = 0;
                for (Scenario s : List.of(new Scenario("SQS", sqs, FaultProxy.Mode.STALL),
                        new Scenario("SQS", sqs, FaultProxy.Mode.DROP), new Scenario("S3", s3, FaultProxy.Mode.STALL),
                        new Scenario("S3", s3, FaultProxy.Mode.DROP), new Scenario("GitHub", github, FaultProxy.Mode.STALL),
                        new Scenario("GitHub", github, FaultProxy.Mode.DROP))) {
                    SampleRepository.PullRequest pr = world.repo().openPullRequest(++n, "outage " + n, Map.of("f", "" + n));
                    byte[] payload = world.pullRequestPayload("opened", pr);
                    s.proxy().mode(s.mode());
                    long start = System.nanoTime();
                    int first = world.deliver(controller.httpPort(), "pull_request", payload);
                    long answered = System.nanoTime();
                    Thread.sleep(Math.max(0, OUTAGE.toMillis() - (answered - start) / 1_000_000));
                    s.proxy().mode(FaultProxy.Mode.PASS);
                    long back = System.nanoTime();
                    String webhook = first + " in " + (answered - start) / 1_000_000 + " ms";
                    if (first != 202) {
                        // GitHub's redelivery, once the queue is back.
                        assertEquals(202, world.deliver(controller.httpPort(), "pull_request", payload));
                        webhook += ", redelivered: 202";
                    }
                    await(s.peer() + " " + s.mode() + ": build settled", () -> settled(controller, world, pr.headSha()));
                    long done = System.nanoTime();
                    await(s.peer() + " " + s.mode() + ": Pi ready again", () -> ready(controller));
                    Build b = builds(controller, pr.headSha()).get(0);
                    long retries = controller.store().read(tx -> tx.events(Event.BUILD, b.id(), 100)).stream()
                            .filter(e -> e.kind().equals("settle-retry")).count();
                    table.add(String.format("| %s %s %d s | webhook %s; %s, %d settle retries | %.1f s |", s.peer(),
                            s.mode().name().toLowerCase(), OUTAGE.toSeconds(), webhook, b.result().wireName(), retries,
                            (done - back) / 1e9));
                    assertEquals(1, builds(controller, pr.headSha()).size(), "built once");
                    List<String> finals = world.github().statusesFor(pr.headSha()).stream().map(RecordedStatus::state)
                            .filter(x -> !x.equals("pending")).toList();
                    assertEquals(1, finals.size(), "one final status: " + world.github().statusesFor(pr.headSha()));
                }
                System.out.println("outage recovery (fault | what happened | settled after the peer was back):");
                table.forEach(System.out::println);
                await("the queue is empty", () -> world.sqs().depth(world.queueUrl()) == 0);
            }
        }
    }

    private static boolean settled(Controller c, DemoWorld world, String sha) {
        List<Build> bs = builds(c, sha);
        return !bs.isEmpty() && bs.get(0).state() == BuildState.DONE && bs.get(0).messageDeleted()
                && world.github().statusesFor(sha).stream().anyMatch(s -> !s.state().equals("pending"));
    }

    private static List<Build> builds(Controller c, String sha) {
        return c.store().read(tx -> tx.buildsOf(DemoWorld.REPOSITORY, sha, "pull_request"));
    }

    private static boolean ready(Controller c) {
        return c.store().read(tx -> tx.workers()).stream().allMatch(w -> w.state() == WorkerState.READY);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        assertTrue(Poll.until(WAIT, condition), "not within " + WAIT.toSeconds() + " s: " + what);
    }
}
