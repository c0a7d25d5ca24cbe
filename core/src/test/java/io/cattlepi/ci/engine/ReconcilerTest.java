package io.cattlepi.ci.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.boottest.BootTestPhase;
import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up repair of what a crash left: interrupted builds re-run once, then error; leased Pis and
 * Pis caught mid-reset probed and reset again.
 */
class ReconcilerTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path dir;

    private static Build build(String id, int sha) {
        return Build.queued(id, "o/r", String.valueOf(sha).repeat(40), "refs/heads/master", null, "file:///r", "push",
                "d-" + id, "m-" + id, "h-" + id, T0);
    }

    @Test
    void interruptedBuildsRunAgainOnceThenEndInErrorAndLeasedPisAreProbed() {
        try (Store store = Store.open(dir.resolve("r.db"), Clock.fixed(T0, ZoneOffset.UTC))) {
            store.write(tx -> {
                Worker p1 = Worker.discovered("pi-1", "h1", 22, null, T0);
                Worker p2 = Worker.discovered("pi-2", "h2", 22, null, T0);
                Worker p3 = Worker.discovered("pi-3", "h3", 22, null, T0);
                Worker p4 = Worker.discovered("pi-4", "h4", 22, null, T0);
                tx.transition(null, p1.leasedTo("first", WorkerState.BUILDING, T0));
                tx.transition(null, p2.leasedTo("second", WorkerState.BUILDING, T0));
                tx.transition(null, p3.moveTo(WorkerState.READY, "ready", T0));
                tx.transition(null, p4.moveTo(WorkerState.REBUILD, "build x ended: success", T0));
                tx.buildChanged(null, build("first", 1).scheduledOn("pi-1").started(T0));
                tx.buildChanged(null, build("second", 2).scheduledOn("pi-2").started(T0).requeued("x")
                        .scheduledOn("pi-2").started(T0)); // its second run
                tx.buildChanged(null, build("settling", 3).scheduledOn("pi-3").started(T0)
                        .finished(BuildResult.SUCCESS, "ok", T0));
                return null;
            });
            assertEquals(5, new Reconciler(store, 2).reconcile());
            store.read(tx -> {
                Build first = tx.build("first").orElseThrow();
                assertEquals(BuildState.QUEUED, first.state());
                assertEquals("h-first", first.receiptHandle(), "its message is kept, to be deleted when it finishes");
                Build second = tx.build("second").orElseThrow();
                assertEquals(BuildState.FINISHING, second.state());
                assertEquals(BuildResult.ERROR, second.result());
                assertEquals(BuildState.FINISHING, tx.build("settling").orElseThrow().state(), "the finisher settles it");
                assertEquals(WorkerState.UNKNOWN, tx.worker("pi-1").orElseThrow().state());
                assertEquals(WorkerState.UNKNOWN, tx.worker("pi-2").orElseThrow().state());
                assertEquals(WorkerState.READY, tx.worker("pi-3").orElseThrow().state());
                assertEquals(WorkerState.UNKNOWN, tx.worker("pi-4").orElseThrow().state(),
                        "its reset may never have been sent: probed and reset again");
                return null;
            });
            assertEquals(0, new Reconciler(store, 2).reconcile(), "idempotent");
        }
    }

    @Test
    void aBuildCutShortInItsBootTestKeepsItsStepsResultAndItsBootTestEndsErrorWithItsConfigOwed() {
        try (Store store = Store.open(dir.resolve("b.db"), Clock.fixed(T0, ZoneOffset.UTC))) {
            store.write(tx -> {
                tx.transition(null, Worker.discovered("pi-1", "h1", 22, "b8:27:eb:00:00:01", T0)
                        .leasedTo("tested", WorkerState.BUILDING, T0));
                tx.buildChanged(null, build("tested", 4).scheduledOn("pi-1").started(T0));
                tx.putBootTest(BootTestRecord.started("tested", "pi-1", "b8:27:eb:00:00:01", "ci/boot-test",
                        BuildResult.SUCCESS, "all 2 steps passed", T0).changing(null).inPhase(BootTestPhase.BOOTING));
                return null;
            });
            assertEquals(3, new Reconciler(store, 2).reconcile());
            store.read(tx -> {
                Build b = tx.build("tested").orElseThrow();
                assertEquals(BuildState.FINISHING, b.state(), "not built again: its steps had passed");
                assertEquals(BuildResult.SUCCESS, b.result());
                assertEquals("all 2 steps passed", b.description());
                BootTestRecord t = tx.bootTest("tested").orElseThrow();
                assertEquals(BootTestPhase.ENDED, t.phase());
                assertEquals(BuildResult.ERROR, t.result());
                assertEquals("the controller restarted during the boot test", t.description());
                assertTrue(t.finalStatusOwed());
                assertTrue(t.restoreOwed(), "its device config is put back before the Pi's reset");
                assertEquals(List.of("tested"), tx.bootTestsToRestore("pi-1").stream().map(BootTestRecord::buildId).toList());
                assertEquals(WorkerState.UNKNOWN, tx.worker("pi-1").orElseThrow().state());
                return null;
            });
            assertEquals(0, new Reconciler(store, 2).reconcile(), "idempotent");
        }
    }
}
