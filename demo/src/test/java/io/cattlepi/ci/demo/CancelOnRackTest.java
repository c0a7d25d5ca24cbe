package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling on a one-Pi simulated rack, through the API and through GitHub's own deliveries: a
 * queued and a running build cancelled by an operator, a running build superseded by a push to its
 * pull request (the new head is built), a running build of a pull request that is closed.
 */
class CancelOnRackTest {
    @TempDir
    static Path dir;
    private static LiveRack rack;

    @BeforeAll
    static void start() throws Exception {
        rack = LiveRack.start(dir, new DemoWorld.Options(1, PiTimings.fast(), 0, Duration.ofSeconds(120),
                Duration.ofSeconds(5), Duration.ofSeconds(5), null), Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (rack != null) {
            rack.close();
        }
    }

    @Test
    void anOperatorCancelsAQueuedAndARunningBuildAndThePiComesBack() throws Exception {
        SampleRepository.PullRequest hanging = rack.deliver(Map.of(SampleRepository.HANG, "forever\n"));
        rack.await("the hanging build running", () -> rack.inState(hanging.headSha(), BuildState.RUNNING));
        SampleRepository.PullRequest queued = rack.deliver(Map.of("q.txt", "q\n"));
        rack.await("the second one queued", () -> rack.inState(queued.headSha(), BuildState.QUEUED));

        HttpResponse<String> q = rack.operatorPost("/api/builds/" + rack.buildOf(queued.headSha()).id()
                + "/cancel?by=alice&reason=not+needed");
        assertEquals(202, q.statusCode(), q.body());
        Build cancelledQueued = rack.done(queued);
        assertEquals(BuildResult.ERROR, cancelledQueued.result());
        assertEquals("cancelled by alice: not needed", cancelledQueued.description());
        assertEquals("error", rack.lastStatus(queued.headSha()).state());

        HttpResponse<String> r = rack.operatorPost("/api/builds/" + rack.buildOf(hanging.headSha()).id()
                + "/cancel?by=bob&reason=hangs");
        assertEquals(202, r.statusCode(), r.body());
        Build cancelledRunning = rack.done(hanging);
        assertEquals("cancelled by bob: hangs", cancelledRunning.description());
        assertEquals("error", rack.lastStatus(hanging.headSha()).state());
        assertEquals("cancelled by bob: hangs", rack.lastStatus(hanging.headSha()).description());
        rack.await("the hanging recipe's processes are gone", () -> ProcessHandle.current().descendants()
                .noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 100000")));
        rack.await("the Pi reset and ready", rack::allReady);
        HttpResponse<String> again = rack.operatorPost("/api/builds/" + cancelledRunning.id() + "/cancel");
        assertEquals(409, again.statusCode(), "nothing left to cancel: " + again.body());
    }

    @Test
    void aPushToAPullRequestCancelsItsRunningBuildAndTheNewHeadIsBuilt() throws Exception {
        SampleRepository.PullRequest old = rack.deliver(Map.of(SampleRepository.HANG, "forever\n"));
        rack.await("the old head running", () -> rack.inState(old.headSha(), BuildState.RUNNING));
        Map<String, String> fixed = new HashMap<>();
        fixed.put(SampleRepository.HANG, null);
        SampleRepository.PullRequest newer = rack.world().repo().pushToPullRequest(old.number(), "do not hang", fixed);
        assertEquals(202, rack.world().deliver(rack.controller().httpPort(), "pull_request",
                rack.world().pullRequestPayload("synchronize", newer)));
        Build superseded = rack.done(old);
        assertEquals(BuildResult.ERROR, superseded.result());
        assertEquals("cancelled: superseded by " + newer.headSha().substring(0, 12), superseded.description());
        Build built = rack.done(newer);
        assertEquals(BuildResult.SUCCESS, built.result(), built.description());
        assertEquals("success", rack.lastStatus(newer.headSha()).state());
        rack.await("the Pi reset and ready", rack::allReady);
    }

    @Test
    void closingAPullRequestCancelsItsRunningBuild() throws Exception {
        SampleRepository.PullRequest pr = rack.deliver(Map.of(SampleRepository.HANG, "forever\n"));
        rack.await("running", () -> rack.inState(pr.headSha(), BuildState.RUNNING));
        assertEquals(202, rack.world().deliver(rack.controller().httpPort(), "pull_request",
                rack.world().pullRequestPayload("closed", pr)));
        Build b = rack.done(pr);
        assertEquals("cancelled: pull request #" + pr.number() + " closed", b.description());
        assertEquals("error", rack.lastStatus(pr.headSha()).state());
        assertTrue(rack.controller().store().read(tx -> tx.buildsOf(DemoWorld.REPOSITORY, pr.headSha(), "pull_request"))
                .size() == 1, "the close is no build");
        rack.await("the Pi reset and ready", rack::allReady);
    }
}
