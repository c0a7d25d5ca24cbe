package io.cattlepi.ci.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.engine.rig.EngineRig;
import io.cattlepi.ci.engine.rig.TestClock;
import io.cattlepi.ci.store.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commit statuses never decide whether a build runs: a failed {@code pending} is retried in the
 * background while the build runs, only the final status holds settling, its retries wait what
 * they say on the store's clock (sweeps at every admitted message do not bring them forward), and
 * a build's history shows the final status and the message's deletion.
 */
class StatusPostsTest {
    private static final String SHA = "b".repeat(40);
    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;
    private EngineRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private Build build() {
        return rig.build(SHA).orElseThrow();
    }

    private List<String> history(String kind) {
        return rig.history(build().id()).stream().filter(e -> e.kind().equals(kind)).map(Event::detail).toList();
    }

    @Test
    void aPendingStatusGitHubRefusesNeverStopsTheBuild() {
        rig = new EngineRig(dir, 1);
        rig.reports.failNextPosts("pending", 1, true); // the client library throws, unchecked
        rig.work.hold(SHA);
        rig.start().pullRequest(3, SHA);
        rig.await("the build runs", () -> rig.build(SHA).map(b -> b.state() == BuildState.RUNNING).orElse(false));
        rig.await("pending tried", () -> !rig.reports.attempts("pending").isEmpty());
        rig.work.release(SHA);
        rig.await("settled", () -> rig.build(SHA).map(b -> b.state() == BuildState.DONE).orElse(false));

        assertEquals(BuildResult.SUCCESS, build().result(), "it ran: " + build().description());
        assertEquals(List.of("work " + SHA + " on pi-1"), rig.ledger.all("work "));
        List<String> statuses = rig.ledger.all("status " + SHA);
        assertEquals("status " + SHA + " success cattlepi-ci all steps passed", statuses.get(statuses.size() - 1),
                "the final status is GitHub's last word: " + statuses);
        assertTrue(history("status-retry").get(0).contains("the GitHub client broke"), history("status-retry").toString());
    }

    @Test
    void aFailedPendingIsPostedAgainWhileTheBuildRuns() {
        rig = new EngineRig(dir, 1);
        rig.reports.failNextPosts("pending", 1, false);
        rig.work.hold(SHA);
        rig.start().pullRequest(3, SHA);
        rig.await("pending posted on the second try", () -> rig.ledger.indexOf("status " + SHA + " pending") >= 0);
        assertEquals(BuildState.RUNNING, build().state());
        rig.work.release(SHA);
        rig.await("settled", () -> rig.build(SHA).map(b -> b.state() == BuildState.DONE).orElse(false));
        assertEquals(2, rig.reports.attempts("pending").size());
        assertTrue(rig.ledger.indexOf("status " + SHA + " pending") < rig.ledger.indexOf("status " + SHA + " success"));
    }

    @Test
    void finalStatusRetriesWaitWhatTheySayOnTheClockAndSweepsDoNotHurryThem() {
        TestClock clock = new TestClock(START);
        rig = new EngineRig(dir, 1, clock);
        rig.reports.failNextPosts("success", 4, false);
        rig.start().pullRequest(3, SHA);
        rig.await("the first final post failed", () -> rig.reports.attempts("success").size() == 1);
        Finisher finisher = rig.engine().finisher();
        for (int second = 1; second <= 120 && build().state() != BuildState.DONE; second++) {
            clock.advance(Duration.ofSeconds(1));
            finisher.settleAll(); // as every admitted SQS message does
            rig.await("the finisher caught up at +" + second + " s", finisher::idle);
        }
        assertEquals(BuildState.DONE, build().state());

        List<Instant> tries = rig.reports.attempts("success");
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < tries.size(); i++) {
            gaps.add(Duration.between(tries.get(i - 1), tries.get(i)).toSeconds());
        }
        assertEquals(List.of(2L, 4L, 8L, 16L), gaps, "attempts at " + tries);
        List<String> said = history("settle-retry").stream().map(d -> d.replaceAll(".*retrying in ", "retrying in ")).toList();
        assertEquals(List.of("retrying in 2 s", "retrying in 4 s", "retrying in 8 s", "retrying in 16 s"), said);
    }

    @Test
    void aBuildsHistoryShowsItsFinalStatusAndTheMessagesDeletion() {
        rig = new EngineRig(dir, 1);
        String message = rig.start().pullRequest(3, SHA);
        rig.await("settled", () -> rig.build(SHA).map(b -> b.state() == BuildState.DONE).orElse(false));
        List<String> kinds = rig.history(build().id()).stream().map(Event::kind).toList();
        assertEquals(List.of("final status success posted: all steps passed"), history("status").stream()
                .filter(d -> d.startsWith("final")).toList());
        assertEquals(List.of("SQS message " + message + " deleted"), history("message-deleted"));
        assertTrue(kinds.lastIndexOf("status") < kinds.indexOf("message-deleted"), kinds.toString());
    }
}
