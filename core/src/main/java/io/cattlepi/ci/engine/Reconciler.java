package io.cattlepi.ci.engine;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.fleet.DrainMarks;
import io.cattlepi.ci.fleet.Lifecycle;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import java.util.HashSet;
import java.util.Set;

/**
 * Start-up repair (the seed's cron nanny, done right): after a crash no build process of ours is
 * alive, so builds caught {@code scheduled} or {@code running} are re-queued (up to the allowed
 * number of runs) or ended with {@code error} (at once when their cancellation was asked), and Pis still leased are sent to {@code unknown}
 * to be probed and reset. Builds left {@code finishing} are settled by the finisher; SQS
 * messages are re-adopted when they are redelivered.
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
            for (Build b : tx.buildsIn(BuildState.SCHEDULED, BuildState.RUNNING)) {
                java.util.Optional<String> cancelled = tx.cancelRequest(b.id());
                Build next = cancelled.isPresent() ? b.finished(BuildResult.ERROR, cancelled.get(), tx.now())
                        : b.attempts() < maxRuns
                        ? b.requeued("controller restarted; running again")
                        : b.finished(BuildResult.ERROR, "controller restarted during the build", tx.now());
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
                }
            }
            return repaired;
        });
    }
}
