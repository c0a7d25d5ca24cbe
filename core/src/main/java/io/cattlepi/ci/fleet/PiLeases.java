package io.cattlepi.ci.fleet;

import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Leases {@code ready} Pis to holders outside the engine (a Jenkins node, a pipeline block) and
 * takes them back. A lease is one transaction: the Pi becomes {@code building} with the holder's
 * name where a build id would be, so it survives a restart and is never probed or reset while
 * held. Giving it back sends it through reset before anyone can lease it again.
 */
public final class PiLeases {
    private final Store store;
    private final FleetMonitor fleet;

    public PiLeases(Store store, FleetMonitor fleet) {
        this.store = store;
        this.fleet = fleet;
    }

    /** How many eligible Pis are ready now: the most a front end may provision. */
    public int ready(Predicate<Worker> eligible) {
        return store.read(tx -> (int) tx.workers().stream()
                .filter(w -> w.state() == WorkerState.READY && eligible.test(w)).count());
    }

    /**
     * Leases the eligible Pi that has been ready longest, or nothing when none is ready.
     *
     * @param holder unique name of who holds it until {@link #release}; shown as the Pi's build
     */
    public Optional<Worker> lease(String holder, Predicate<Worker> eligible) {
        requireHolder(holder);
        return store.write(tx -> {
            if (tx.workers().stream().anyMatch(w -> holder.equals(w.buildId()) && w.state().isLeased())) {
                throw new IllegalStateException(holder + " already holds a Pi");
            }
            Optional<Worker> pick = tx.workers().stream()
                    .filter(w -> w.state() == WorkerState.READY && eligible.test(w))
                    .min(Comparator.comparing(Worker::stateSince).thenComparing(Worker::id));
            Optional<Worker> leased = pick.map(w -> w.leasedTo(holder, WorkerState.BUILDING, tx.now()));
            leased.ifPresent(w -> tx.transition(pick.get(), w));
            return leased;
        });
    }

    /** The Pi this holder holds, if any. */
    public Optional<Worker> heldBy(String holder) {
        return store.read(tx -> tx.workers().stream()
                .filter(w -> w.state().isLeased() && holder.equals(w.buildId()))
                .findFirst());
    }

    /**
     * Gives a Pi back: it is reset to stock (or, when {@code suspect}, probed first). A Pi no longer
     * held by this holder is left alone, so a late or repeated release is harmless.
     */
    public Optional<Worker> release(String holder, boolean suspect, String why) {
        Optional<Worker> held = heldBy(holder);
        return held.map(w -> fleet.leaseEnded(w.id(), holder, suspect, holder + " released it: " + why));
    }

    /**
     * Gives back every Pi held by one of this front end's holders (names starting with
     * {@code prefix}) that is no longer alive: after a restart or a crash nothing stays leased.
     *
     * @param minAge only leases older than this: a holder just leased may not be visible to the
     *               front end yet (Jenkins adds a provisioned node a few seconds later)
     * @return the Pis given back
     */
    public List<Worker> reap(String prefix, Set<String> alive, Duration minAge, String why) {
        Instant leasedBefore = store.clock().instant().minus(minAge);
        List<Worker> orphans = store.read(tx -> tx.workers().stream()
                .filter(w -> w.state().isLeased() && w.buildId() != null && w.buildId().startsWith(prefix)
                        && !alive.contains(w.buildId()) && w.stateSince().isBefore(leasedBefore))
                .toList());
        List<Worker> released = new ArrayList<>();
        for (Worker w : orphans) {
            store.write(tx -> {
                tx.append(Event.WORKER, w.id(), "orphaned", w.buildId() + " is gone: " + why);
                return null;
            });
            released.add(fleet.leaseEnded(w.id(), w.buildId(), false, "orphaned lease of " + w.buildId() + ": " + why));
        }
        return released;
    }

    private static void requireHolder(String holder) {
        if (holder == null || holder.isBlank()) {
            throw new IllegalArgumentException("a lease needs a holder name");
        }
    }
}
