package io.cattlepi.ci.schedule;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.build.Lease;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Matches queued builds to {@code ready} Pis (the seed's schedule_work): oldest build first, at
 * most one build per Pi, the Pi that has been ready longest first among those whose labels fit the
 * build (a build that fits no ready Pi waits without holding up the others). All bindings of one pass are a
 * single transaction: the Pi becomes {@code building} and the build {@code scheduled} together.
 * No I/O besides the store; running the build is the caller's job.
 */
public final class Scheduler {
    /** The event name of the weekly release build; its Pi is leased as {@code autobuild}. */
    public static final String AUTOBUILD_EVENT = "autobuild";

    private final Store store;
    private final Placement placement;

    public Scheduler(Store store) {
        this(store, Placement.ANYWHERE);
    }

    public Scheduler(Store store, Placement placement) {
        this.store = store;
        this.placement = placement;
    }

    /** Binds as many queued builds as there are ready Pis; returns the new leases. */
    public List<Lease> bind() {
        return store.write(tx -> {
            List<Build> queued = tx.buildsIn(BuildState.QUEUED);
            if (queued.isEmpty()) {
                return List.of();
            }
            List<Worker> ready = new ArrayList<>(tx.workers().stream()
                    .filter(w -> w.state() == WorkerState.READY)
                    .sorted(Comparator.comparing(Worker::stateSince).thenComparing(Worker::id))
                    .toList());
            boolean autobuildRunning = tx.workers().stream().anyMatch(w -> w.state() == WorkerState.AUTOBUILD);
            List<Lease> leases = new ArrayList<>();
            for (Build b : queued) {
                if (ready.isEmpty()) {
                    break;
                }
                boolean autobuild = AUTOBUILD_EVENT.equals(b.event());
                if (autobuild && autobuildRunning) {
                    continue; // the seed's rule: one release build at a time
                }
                Worker pi = ready.stream().filter(w -> placement.fits(w, b)).findFirst().orElse(null);
                if (pi == null) {
                    continue; // waits for a Pi with its labels; later builds may fit the others
                }
                ready.remove(pi);
                autobuildRunning |= autobuild;
                Worker leased = pi.leasedTo(b.id(), autobuild ? WorkerState.AUTOBUILD : WorkerState.BUILDING, tx.now());
                Build scheduled = b.scheduledOn(pi.id());
                tx.transition(pi, leased);
                tx.buildChanged(b, scheduled);
                leases.add(new Lease(scheduled, leased));
            }
            return leases;
        });
    }

    /** How many Pis could take a build right now (the SQS consumer receives no more than this). */
    public int freeCapacity() {
        return store.read(tx -> {
            long ready = tx.workers().stream().filter(w -> w.state() == WorkerState.READY).count();
            long waiting = tx.buildsIn(BuildState.QUEUED).size();
            return (int) Math.max(0, ready - waiting);
        });
    }
}
