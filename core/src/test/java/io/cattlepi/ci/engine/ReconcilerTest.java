package io.cattlepi.ci.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up repair of what a crash left: interrupted builds re-run once, then error; leased Pis probed again. */
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
                tx.transition(null, p1.leasedTo("first", WorkerState.BUILDING, T0));
                tx.transition(null, p2.leasedTo("second", WorkerState.BUILDING, T0));
                tx.transition(null, p3.moveTo(WorkerState.READY, "ready", T0));
                tx.buildChanged(null, build("first", 1).scheduledOn("pi-1").started(T0));
                tx.buildChanged(null, build("second", 2).scheduledOn("pi-2").started(T0).requeued("x")
                        .scheduledOn("pi-2").started(T0)); // its second run
                tx.buildChanged(null, build("settling", 3).scheduledOn("pi-3").started(T0)
                        .finished(BuildResult.SUCCESS, "ok", T0));
                return null;
            });
            assertEquals(4, new Reconciler(store, 2).reconcile());
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
                return null;
            });
            assertEquals(0, new Reconciler(store, 2).reconcile(), "idempotent");
        }
    }
}
