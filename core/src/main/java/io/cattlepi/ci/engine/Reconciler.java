package io.cattlepi.ci.engine;

import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.fleet.DrainMarks;
import io.cattlepi.ci.fleet.Lifecycle;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Start-up repair (the seed's cron nanny, done right): after a crash no build process of ours is
 * alive, so builds caught {@code scheduled} or {@code running} are re-queued (up to the allowed
 * number of runs) or ended with {@code error} (at once when their cancellation was asked), and Pis still leased or in the middle of a reset
 * are sent to {@code unknown} to be probed and reset (again). A build whose boot test was cut short keeps the result of its steps and
 * its boot test ends {@code error} (its device config is restored before the Pi's reset). Builds
 * left {@code finishing} are settled by the finisher; SQS messages are re-adopted when they are
 * redelivered.
 */
public final class Reconciler {
    private final Store store;
    private final int maxRuns;

    public Reconciler(Store store, int maxRuns) {
        this.store = store;
        this.maxRuns = maxRuns;
    }

    /** Returns how many builds and Pis it repaired. */
    public int reconcile() {
        return store.write(tx -> {
            int repaired = 0;
            Set<String> live = new HashSet<>();
            for (BootTestRecord t : tx.bootTestsRunning()) {
                // Its config is put back (owed in the record) and its status settled with the build.
                tx.putBootTest(t.ended(BuildResult.ERROR, "the controller restarted during the boot test", t.passed(),
                        t.failed(), tx.now()));
                tx.append(Event.BUILD, t.buildId(), "boot-test", "boot test error: the controller restarted during it");
                repaired++;
            }
            for (Build b : tx.buildsIn(BuildState.SCHEDULED, BuildState.RUNNING)) {
                Optional<String> cancelled = tx.cancelRequest(b.id());
                Optional<BootTestRecord> battery = tx.bootTest(b.id());
                Build next;
                if (cancelled.isPresent()) {
                    next = b.finished(BuildResult.ERROR, cancelled.get(), tx.now());
                } else if (battery.isPresent()) {
                    // Its steps had passed; only the boot test after them was cut short: the build keeps its result.
                    next = b.finished(battery.get().buildResult(), battery.get().buildDescription(), tx.now());
                } else {
                    next = b.attempts() < maxRuns
                            ? b.requeued("controller restarted; running again")
                            : b.finished(BuildResult.ERROR, "controller restarted during the build", tx.now());
                }
                tx.buildChanged(b, next);
                tx.forgetCancel(b.id());
                repaired++;
            }
            for (Build b : tx.buildsIn(BuildState.SCHEDULED, BuildState.RUNNING)) {
                live.add(b.id());
            }
            for (Worker w : tx.workers()) {
                if (w.state().isLeased() && (w.buildId() == null || !live.contains(w.buildId()))) {
                    java.util.Optional<String> drain = DrainMarks.take(tx, w.id());
                    Worker next = drain.isPresent()
                            ? w.moveTo(io.cattlepi.ci.worker.WorkerState.MAINTENANCE, "drained by operator: "
                                    + drain.get() + " (controller restarted during its build)", tx.now())
                            : Lifecycle.lostContact(w, "controller restarted while it was leased", tx.now());
                    tx.transition(w, next);
                    repaired++;
                } else if (w.state() == WorkerState.REBUILD) {
                    // Its reset is committed before it is sent: after a crash nobody knows whether it
                    // was. Probed and reset again, rather than left running what its last build booted.
                    tx.transition(w, Lifecycle.lostContact(w, "controller restarted while it was being reset", tx.now()));
                    repaired++;
                }
            }
            return repaired;
        });
    }
}
