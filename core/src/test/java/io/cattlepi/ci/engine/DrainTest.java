package io.cattlepi.ci.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.engine.rig.EngineRig;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator actions on the engine: draining a Pi that runs a build marks it (the build finishes,
 * then the Pi goes to maintenance, not to reset), and a retry asked twice is queued once.
 */
class DrainTest {
    private static final String SHA = "c".repeat(40);

    @TempDir
    Path dir;
    private EngineRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private Worker pi() {
        return rig.workers().get(0);
    }

    private void running() {
        rig.work.hold(SHA);
        rig.start().pullRequest(4, SHA);
        rig.await("the build runs", () -> rig.build(SHA).map(b -> b.state() == BuildState.RUNNING).orElse(false));
    }

    @Test
    void aBusyPiIsMarkedAndGoesToMaintenanceWhenItsBuildEnds() {
        rig = new EngineRig(dir, 1);
        running();
        Worker marked = rig.engine().drain("pi-1", "new SD card");
        assertEquals(WorkerState.BUILDING, marked.state(), "the build is never taken away");
        rig.work.release(SHA);
        rig.await("settled", () -> rig.build(SHA).map(b -> b.state() == BuildState.DONE).orElse(false));
        assertEquals(BuildResult.SUCCESS, rig.build(SHA).orElseThrow().result());
        rig.await("in maintenance", () -> pi().state() == WorkerState.MAINTENANCE);
        assertTrue(pi().reason().startsWith("drained by operator: new SD card"), pi().reason());
        assertEquals(1, rig.pis.restores("10.0.0.1"), "not reset after the build: only when it was first seen");
    }

    @Test
    void undrainBeforeTheBuildEndsCallsTheDrainOff() {
        rig = new EngineRig(dir, 1);
        running();
        rig.engine().drain("pi-1", "new SD card");
        assertEquals(WorkerState.BUILDING, rig.engine().undrain("pi-1").state());
        rig.work.release(SHA);
        rig.await("reset and ready again", () -> rig.build(SHA).map(b -> b.state() == BuildState.DONE).orElse(false)
                && pi().state() == WorkerState.READY);
        assertEquals(2, rig.pis.restores("10.0.0.1"));
    }

    @Test
    void anIdlePiIsDrainedAtOnce() {
        rig = new EngineRig(dir, 1).start();
        rig.await("ready", () -> pi().state() == WorkerState.READY);
        assertEquals(WorkerState.MAINTENANCE, rig.engine().drain("pi-1", "new SD card").state());
    }

    @Test
    void retryingTheSameBuildTwiceQueuesItOnce() {
        rig = new EngineRig(dir, 1).start();
        rig.pullRequest(4, SHA);
        rig.await("settled", () -> rig.build(SHA).map(b -> b.state() == BuildState.DONE).orElse(false));
        rig.await("ready", () -> pi().state() == WorkerState.READY);
        rig.engine().drain("pi-1", "keeps the retry waiting");
        String first = rig.build(SHA).orElseThrow().id();
        String again = rig.engine().retry(first).id();
        assertEquals(again, rig.engine().retry(first).id(), "the queued retry, not a second one");
        assertEquals(BuildState.QUEUED, rig.engine().store().read(tx -> tx.build(again)).orElseThrow().state());
    }
}
