package io.cattlepi.ci.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.build.WorkOutcome;
import io.cattlepi.ci.cancel.Cancellations;
import io.cattlepi.ci.crash.CrashPoint;
import io.cattlepi.ci.engine.rig.EngineRig;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's settling rules over in-memory ports, in milliseconds: exactly one final status per
 * build, the message deleted only after it, the Pi reset after every build and probed after a
 * suspect one, and after a crash at any named point a restarted engine finishes what the dead one
 * left, once. (Superseding is admission's, tested in IntakeTest.)
 */
class EngineTest {
    private static final String SHA = "a".repeat(40);

    @TempDir
    Path dir;
    private EngineRig rig;

    @AfterEach
    void stop() {
        CrashPoint.disarm();
        if (rig != null) {
            rig.close();
        }
    }

    private boolean settled(String sha) {
        return rig.build(sha).map(b -> b.state() == BuildState.DONE).orElse(false);
    }

    private boolean allReady() {
        return rig.workers().stream().allMatch(w -> w.state() == WorkerState.READY);
    }

    private List<String> finalStatuses(String sha) {
        return rig.ledger.all("status " + sha).stream().filter(s -> !s.contains(" pending ")).toList();
    }

    @Test
    void aBuildSettlesWithOneFinalStatusAndItsMessageIsDeletedOnlyAfterIt() {
        rig = new EngineRig(dir, 1).start();
        String message = rig.pullRequest(2, SHA);
        rig.await("settled", () -> settled(SHA));
        assertEquals(List.of("status " + SHA + " success cattlepi-ci all steps passed"), finalStatuses(SHA));
        assertEquals(List.of(message), rig.queue.deleted());
        assertTrue(rig.ledger.indexOf("status " + SHA + " success") < rig.ledger.indexOf("delete " + message),
                "the final status before the delete: " + rig.ledger.entries());
        assertTrue(rig.ledger.indexOf("publish") < rig.ledger.indexOf("status " + SHA + " success"),
                "the final log before the final status");
        rig.await("the Pi reset and ready", this::allReady);
        assertEquals(2, rig.pis.restores("10.0.0.1"), "once when first seen, once after the build");
    }

    @Test
    void aFailedBuildIsReportedAsSuchAndItsPiIsResetAllTheSame() {
        rig = new EngineRig(dir, 1);
        rig.work.outcome(SHA, new WorkOutcome(BuildResult.FAILURE, "step `make` failed with exit code 2", false));
        rig.start().pullRequest(2, SHA);
        rig.await("settled", () -> settled(SHA));
        assertEquals(List.of("status " + SHA + " failure cattlepi-ci step `make` failed with exit code 2"),
                finalStatuses(SHA));
        rig.await("the Pi reset and ready", this::allReady);
    }

    @Test
    void buildsWaitingForTheOnlyPiRunOneAfterTheOtherEachWithOneFinalStatus() {
        rig = new EngineRig(dir, 1);
        String first = "1".repeat(40);
        String second = "2".repeat(40);
        rig.work.hold(first);
        rig.start().pullRequest(7, first);
        rig.await("first running", () -> rig.build(first).map(b -> b.state() == BuildState.RUNNING).orElse(false));
        rig.pullRequest(8, second);
        rig.work.release(first);
        rig.await("both settled", () -> settled(first) && settled(second));
        assertEquals(1, finalStatuses(first).size());
        assertEquals(1, finalStatuses(second).size());
        assertTrue(rig.ledger.indexOf("work " + first) < rig.ledger.indexOf("work " + second));
        assertEquals(2, rig.queue.deleted().size());
    }

    @Test
    void aBuildWhosePiDiesIsAnErrorAndThePiIsProbedBeforeReuse() {
        rig = new EngineRig(dir, 1);
        rig.work.outcome(SHA, new WorkOutcome(BuildResult.FAILURE, "step `make` failed with exit code 255", false));
        rig.work.hold(SHA);
        rig.start().pullRequest(2, SHA);
        rig.await("running", () -> rig.build(SHA).map(b -> b.state() == BuildState.RUNNING).orElse(false));
        rig.pis.powerOff("10.0.0.1");
        rig.work.release(SHA);
        rig.await("settled", () -> settled(SHA));
        Build b = rig.build(SHA).orElseThrow();
        assertEquals(BuildResult.ERROR, b.result());
        assertTrue(b.description().startsWith("Pi pi-1 stopped answering"), b.description());
        assertEquals(WorkerState.UNKNOWN, rig.workers().get(0).state());
        rig.pis.powerOn("10.0.0.1");
        rig.await("back and reset", this::allReady);
    }

    @ParameterizedTest
    @ValueSource(strings = {CrashPoint.QUEUED, CrashPoint.CHECKING_OUT, CrashPoint.UPLOADING, CrashPoint.DELETING,
            CrashPoint.RESETTING})
    void afterACrashAtAnyPointARestartFinishesTheBuildOnce(String point) {
        rig = new EngineRig(dir, 1);
        CrashPoint.arm(point);
        String message = rig.pullRequest(2, SHA);
        rig.start();
        rig.await("the crash at " + point, CrashPoint::fired);
        rig.crash();
        rig.start();
        rig.await("settled after the restart", () -> settled(SHA));
        rig.await("the Pi reset and ready", this::allReady);
        // A delete with a handle the redelivery replaced is deferred: the message goes when it shows again.
        rig.queue.expireVisibility();
        rig.await("the message deleted", () -> rig.queue.size() == 0);
        assertEquals(1, finalStatuses(SHA).size(), rig.ledger.entries().toString());
        assertEquals(List.of(message), rig.queue.deleted(), "deleted once");
        assertTrue(rig.ledger.indexOf("status " + SHA + " success") < rig.ledger.indexOf("delete " + message));
        assertTrue(rig.ledger.all("work " + SHA).size() <= 2, "run at most twice: " + rig.ledger.entries());
    }

    @Test
    void aQueuedBuildCancelledEndsWithoutRunningAndIsReported() {
        rig = new EngineRig(dir, 1);
        String busy = "1".repeat(40);
        rig.start().pullRequest(2, SHA);
        rig.await("settled", () -> settled(SHA));
        rig.work.hold(busy);
        rig.pullRequest(7, busy);
        rig.await("the only Pi busy", () -> running(busy));
        Build again = rig.engine().retry(rig.build(SHA).orElseThrow().id());
        assertEquals(Cancellations.Outcome.ENDED,
                rig.engine().cancel(again.id(), Cancellations.byOperator("alice", "wrong\nbranch")));
        rig.await("the retry settled", () -> rig.write(tx -> tx.build(again.id())).orElseThrow().state() == BuildState.DONE);
        assertEquals(List.of("status " + SHA + " success cattlepi-ci all steps passed",
                "status " + SHA + " error cattlepi-ci cancelled by alice: wrong branch"), finalStatuses(SHA));
        assertEquals(1, rig.ledger.all("work " + SHA).size(), "the retry never ran: " + rig.ledger.entries());
        rig.work.release(busy);
        rig.await("the other build settled", () -> settled(busy));
    }

    @Test
    void aRunningBuildCancelledIsStoppedReportedAndItsPiProbedAndReset() {
        rig = new EngineRig(dir, 1);
        rig.work.hold(SHA);
        rig.start().pullRequest(2, SHA);
        rig.await("running", () -> running(SHA));
        String id = rig.build(SHA).orElseThrow().id();
        assertEquals(Cancellations.Outcome.ASKED, rig.engine().cancel(id, Cancellations.byOperator(null, "")));
        rig.await("settled", () -> settled(SHA));
        assertEquals(List.of("status " + SHA + " error cattlepi-ci cancelled by an operator"), finalStatuses(SHA));
        rig.await("the Pi reset and ready", this::allReady);
        assertEquals(2, rig.pis.restores("10.0.0.1"), "once when first seen, once after the cancelled build");
        assertEquals(Cancellations.Outcome.ALREADY_OVER, rig.engine().cancel(id, "cancelled again"));
    }

    @Test
    void aCancelAskedBeforeACrashEndsTheBuildAtTheRestartInsteadOfRunningItAgain() {
        rig = new EngineRig(dir, 1);
        rig.work.hold(SHA);
        rig.start().pullRequest(2, SHA);
        rig.await("running", () -> running(SHA));
        // Stored as admission stores a superseded build's cancel, then the controller dies.
        rig.write(tx -> Cancellations.cancel(tx, tx.build(rig.build(SHA).orElseThrow().id()).orElseThrow(),
                Cancellations.superseded("b".repeat(40))));
        rig.crash();
        rig.start();
        rig.await("settled", () -> settled(SHA));
        assertEquals(List.of("status " + SHA + " error cattlepi-ci cancelled: superseded by bbbbbbbbbbbb"),
                finalStatuses(SHA));
        assertEquals(1, rig.ledger.all("work " + SHA).size(), "not run again: " + rig.ledger.entries());
        rig.await("the Pi reset and ready", this::allReady);
    }

    @Test
    void aControllerStoppingLeavesItsRunningBuildToTheNextStartNotToAnErrorStatus() {
        rig = new EngineRig(dir, 1);
        rig.work.hold(SHA);
        rig.start().pullRequest(2, SHA);
        rig.await("running", () -> running(SHA));
        rig.crash();
        assertEquals(BuildState.RUNNING, rig.build(SHA).orElseThrow().state());
        assertEquals(List.of(), finalStatuses(SHA));
        rig.work.release(SHA);
        rig.start();
        rig.await("settled", () -> settled(SHA));
        assertEquals(List.of("status " + SHA + " success cattlepi-ci all steps passed"), finalStatuses(SHA));
    }

    private boolean running(String sha) {
        return rig.build(sha).map(b -> b.state() == BuildState.RUNNING).orElse(false);
    }
}
