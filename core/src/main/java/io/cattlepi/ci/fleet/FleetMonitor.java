package io.cattlepi.ci.fleet;

import io.cattlepi.ci.retry.Backoff;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Health;
import io.cattlepi.ci.worker.RackMember;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every Pi moving through its lifecycle (the seed's builder_monitor, done right): each Pi
 * has its own probe schedule, probes and resets run in parallel on a bounded pool, and every
 * decision is committed to the store before it is acted on. A Pi just reset is re-probed after
 * ~1 s, backing off to the idle interval; leased and operator-held Pis are never probed. Where the
 * Pis' power is controlled, a watched Pi that stays silent too long is switched off and on, a
 * bounded number of times an hour.
 */
public final class FleetMonitor implements AutoCloseable {
    private static final Duration REPROBE_CAP = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(FleetMonitor.class);
    /** Event kinds of a Pi's power cycles: the automatic ones count against the hourly limit. */
    public static final String AUTO_CYCLE = "power-cycle";
    public static final String OPERATOR_CYCLE = "power-cycle-by-operator";

    private final Store store;
    private final Probe probe;
    private final WorkerReset reset;
    private final Lifecycle lifecycle;
    private final FleetSettings settings;
    private final ScheduledExecutorService timer;
    private final ExecutorService pool;
    private final FleetListener listener;
    private final Backoff reprobe;
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** Resets asked for while the Pi's probe was in flight. */
    private final Set<String> resetWanted = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> reprobeAttempt = new ConcurrentHashMap<>();
    /** Power cycles an operator asked for, by Pi: run on the fleet pool like probes. */
    private final Map<String, String> cycleWanted = new ConcurrentHashMap<>();
    /** When each Pi last answered a probe (this run): a reset's reboots are short silences, not a hang. */
    private final Map<String, java.time.Instant> lastAnswered = new ConcurrentHashMap<>();
    private final PowerControl power;
    private volatile boolean closed;

    public FleetMonitor(Store store, Probe probe, WorkerReset reset, FleetSettings settings,
                        ScheduledExecutorService timer, ExecutorService pool, FleetListener listener) {
        this(store, probe, reset, settings, PowerControl.NONE, timer, pool, listener);
    }

    /** @param power what may be done with the Pis' power ({@link PowerControl#NONE}: nothing) */
    public FleetMonitor(Store store, Probe probe, WorkerReset reset, FleetSettings settings, PowerControl power,
                        ScheduledExecutorService timer, ExecutorService pool, FleetListener listener) {
        this.power = power;
        this.store = store;
        this.probe = probe;
        this.reset = reset;
        this.lifecycle = new Lifecycle(settings);
        this.settings = settings;
        this.timer = timer;
        this.pool = pool;
        this.listener = listener;
        // Capped low: a rebooting Pi is back within a minute, and each probe is one SSH connect,
        // so a long gap would only add idle time before the Pi is ready again.
        Duration cap = settings.idleProbeInterval().compareTo(REPROBE_CAP) < 0 ? settings.idleProbeInterval() : REPROBE_CAP;
        this.reprobe = Backoff.exponential(settings.firstReprobe(), cap);
    }

    /** Makes the stored rack match the configured one: new Pis start unknown, removed ones retire. */
    public void syncRack(List<RackMember> members) {
        store.write(tx -> {
            Set<String> configured = new HashSet<>();
            for (RackMember m : members) {
                configured.add(m.id());
                Optional<Worker> known = tx.worker(m.id());
                if (known.isEmpty()) {
                    tx.transition(null, Worker.discovered(m.id(), m.host(), m.port(), m.mac(), tx.now()));
                } else if (known.get().state() == WorkerState.RETIRED) {
                    tx.transition(known.get(), Lifecycle.lostContact(known.get(), "back in the configured rack", tx.now()));
                } else if (!known.get().host().equals(m.host()) || known.get().port() != m.port()) {
                    Worker w = known.get();
                    tx.putWorker(new Worker(w.id(), m.host(), m.port(), m.mac(), w.state(), w.stateSince(), w.reason(),
                            w.lastAction(), w.buildId(), null, w.health()));
                }
            }
            for (Worker w : tx.workers()) {
                if (!configured.contains(w.id()) && w.state() != WorkerState.RETIRED && !w.state().isLeased()) {
                    tx.transition(w, w.moveTo(WorkerState.RETIRED, "removed from the configured rack", tx.now()));
                }
            }
            return null;
        });
    }

    /** Probes every Pi that is not leased or held, now. */
    public void start() {
        for (Worker w : store.read(tx -> tx.workers())) {
            wake(w.id());
        }
    }

    /** Probes one Pi soon (after a lease ended, an undrain, or any outside change). */
    public void wake(String workerId) {
        reprobeAttempt.remove(workerId);
        schedule(workerId, Duration.ZERO);
    }

    /**
     * A lease ended. A normal end sends the Pi through reset; a suspect end (timeout, Pi gone
     * mid-build) makes it {@code unknown}, so it is probed before anything else.
     */
    public Worker leaseEnded(String workerId, boolean suspect, String why) {
        return leaseEnded(workerId, null, suspect, why);
    }

    /** As {@link #leaseEnded(String, boolean, String)}, only while {@code holder} (if given) still holds the Pi. */
    public Worker leaseEnded(String workerId, String holder, boolean suspect, String why) {
        Worker[] pair = store.write(tx -> {
            Worker w = tx.worker(workerId).orElseThrow(() -> new IllegalArgumentException("no Pi named " + workerId));
            if (!w.state().isLeased() || (holder != null && !holder.equals(w.buildId()))) {
                return new Worker[] {w, w};
            }
            Optional<String> drain = DrainMarks.take(tx, workerId);
            Worker next = drain.isPresent()
                    ? w.moveTo(WorkerState.MAINTENANCE, "drained by operator: " + drain.get() + " (" + why + ")", tx.now())
                    : suspect ? Lifecycle.lostContact(w, why, tx.now()) : Lifecycle.startReset(w, why, tx.now());
            tx.transition(w, next);
            return new Worker[] {w, next};
        });
        Worker after = pair[1];
        if (pair[0] != after) {
            listener.changed(pair[0], after);
        }
        if (after.state() == WorkerState.REBUILD) {
            runReset(after);
        } else {
            wake(workerId);
        }
        return after;
    }

    /**
     * Sends every {@code ready} Pi through reset now: they may have booted something the controller
     * did not approve (the workers' config drifted). Leased Pis are reset when their lease ends.
     */
    public List<Worker> resetIdle(String why) {
        List<Worker[]> pairs = store.write(tx -> {
            List<Worker[]> out = new java.util.ArrayList<>();
            for (Worker w : tx.workers()) {
                if (w.state() == WorkerState.READY) {
                    Worker next = Lifecycle.startReset(w, why, tx.now());
                    tx.transition(w, next);
                    out.add(new Worker[] {w, next});
                }
            }
            return out;
        });
        List<Worker> reset = new java.util.ArrayList<>();
        for (Worker[] pair : pairs) {
            listener.changed(pair[0], pair[1]);
            runReset(pair[1]);
            reset.add(pair[1]);
        }
        return reset;
    }

    /**
     * Operator: take a Pi out of service with a reason that stays in its history. A Pi running a
     * build keeps it: it is marked ({@link DrainMarks}) and goes to maintenance when the build ends.
     */
    public Worker drain(String workerId, String why) {
        Worker marked = store.write(tx -> {
            Worker w = tx.worker(workerId).orElseThrow(() -> new IllegalArgumentException("no Pi named " + workerId));
            if (!w.state().isLeased()) {
                return null;
            }
            DrainMarks.mark(tx, workerId, why);
            tx.append(Event.WORKER, workerId, "draining", "drain asked while it runs " + w.buildId() + ": " + why
                    + "; to maintenance when that ends");
            return w;
        });
        if (marked != null) {
            log.info("Pi {}: draining ({}); it goes to maintenance when build {} ends", workerId, why, marked.buildId());
            return marked;
        }
        return operator(workerId, w -> w.moveTo(WorkerState.MAINTENANCE, "drained by operator: " + why,
                store.clock().instant()));
    }

    /** Operator: take a Pi out of the rack for good (dead hardware); undrain brings it back. */
    public Worker retire(String workerId, String why) {
        return operator(workerId, w -> {
            if (w.state().isLeased()) {
                throw new IllegalStateException("Pi " + workerId + " is running build " + w.buildId()
                        + "; retire it when the build ends");
            }
            return w.moveTo(WorkerState.RETIRED, "retired by operator: " + why, store.clock().instant());
        });
    }

    /** Operator: put a Pi back; it is probed and reset before it can be leased again. A drain still waiting is called off. */
    public Worker undrain(String workerId) {
        Worker running = store.write(tx -> {
            Worker w = tx.worker(workerId).orElseThrow(() -> new IllegalArgumentException("no Pi named " + workerId));
            if (w.state().isLeased() && DrainMarks.take(tx, workerId).isPresent()) {
                tx.append(Event.WORKER, workerId, "drain-cancelled", "undrained before its build ended");
                return w;
            }
            return null;
        });
        if (running != null) {
            log.info("Pi {}: drain called off; it is reset after build {} as usual", workerId, running.buildId());
            return running;
        }
        Worker w = operator(workerId, before -> {
            if (before.state() != WorkerState.MAINTENANCE && before.state() != WorkerState.RETIRED) {
                throw new IllegalStateException("Pi " + workerId + " is " + before.state().wireName() + ", not in maintenance");
            }
            Worker back = Lifecycle.lostContact(before, "returned to service by operator", store.clock().instant());
            return back.withHealth(new Health(back.health().resets(), back.health().failedResets(), 0,
                    back.health().lastTimeToReadyMillis()));
        });
        wake(workerId);
        return w;
    }

    /**
     * Operator: switch a Pi off and on (a hung Pi, without walking to the rack). It runs on the
     * fleet's pool, as probes do, and does not count against the automatic cycles' hourly limit.
     * A Pi running a build is refused: cancel the build first.
     */
    public Worker powerCycle(String workerId, String why) {
        Worker w = store.read(tx -> tx.worker(workerId))
                .orElseThrow(() -> new IllegalArgumentException("no Pi named " + workerId));
        if (!power.power().controls(workerId)) {
            throw new IllegalStateException("Pi " + workerId + " has no power commands configured (power)");
        }
        if (w.state().isLeased()) {
            throw new IllegalStateException("Pi " + workerId + " is running build " + w.buildId()
                    + "; cancel the build first");
        }
        cycleWanted.put(workerId, why);
        store.note(Event.WORKER, workerId, "power-cycle-asked", "by operator: " + why);
        schedule(workerId, Duration.ZERO);
        return w;
    }

    private Worker operator(String workerId, java.util.function.UnaryOperator<Worker> change) {
        Worker[] pair = store.write(tx -> {
            Worker w = tx.worker(workerId).orElseThrow(() -> new IllegalArgumentException("no Pi named " + workerId));
            Worker next = change.apply(w);
            tx.transition(w, next);
            return new Worker[] {w, next};
        });
        listener.changed(pair[0], pair[1]);
        return pair[1];
    }

    private void schedule(String workerId, Duration delay) {
        if (closed) {
            return;
        }
        try {
            timer.schedule(() -> submitProbe(workerId), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("monitor stopping; not scheduling {}", workerId);
        }
    }

    private void submitProbe(String workerId) {
        if (closed || !busy.add(workerId)) {
            return; // one probe or reset per Pi at a time; the running one reschedules
        }
        try {
            pool.execute(() -> {
                try {
                    probeAndDecide(workerId);
                } catch (RuntimeException e) {
                    log.error("probing Pi {} failed unexpectedly", workerId, e);
                    busy.remove(workerId);
                    schedule(workerId, settings.idleProbeInterval());
                }
            });
        } catch (RejectedExecutionException e) {
            busy.remove(workerId);
        }
    }

    private void probeAndDecide(String workerId) {
        Optional<Worker> current = store.read(tx -> tx.worker(workerId));
        String asked = cycleWanted.remove(workerId);
        if (asked != null && current.isPresent() && !current.get().state().isLeased()) {
            powerCycle(current.get(), asked, true);
            return;
        }
        if (current.isEmpty() || !monitored(current.get().state())) {
            busy.remove(workerId);
            return;
        }
        Observation seen = probe.probe(current.get());
        if (seen.alive()) {
            lastAnswered.put(workerId, store.clock().instant());
        }
        Lifecycle.Decision decision = store.write(tx -> {
            // Decide on the committed record: the Pi may have been leased or drained meanwhile.
            Worker w = tx.worker(workerId).orElseThrow();
            if (w.state() == WorkerState.REBUILD && resetWanted.contains(workerId)) {
                // Its lease ended while this probe ran: what it saw predates the reset still owed.
                return new Lifecycle.Decision(w, Lifecycle.Action.RESET);
            }
            Lifecycle.Decision d = lifecycle.decide(w, seen, tx.now());
            if (d.next().state() != w.state()) {
                tx.transition(w, d.next());
            } else if (!d.next().equals(w)) {
                tx.putWorker(d.next());
            }
            if (seen.hostKeyRejected()) {
                tx.append(Event.WORKER, workerId, "host-key-rejected", seen.failure());
            }
            return new Lifecycle.Decision(d.next(), d.action());
        });
        Worker after = decision.next();
        if (after.state() != current.get().state()) {
            listener.changed(current.get(), after);
        }
        if (decision.action() == Lifecycle.Action.RESET) {
            busy.remove(workerId);
            runReset(after);
            return;
        }
        if (wantsPowerCycle(after, seen)) {
            powerCycle(after, "not answering for " + silence(after).toSeconds() + " s (" + seen.failure() + ")", false);
            return;
        }
        if (!release(workerId)) {
            scheduleNext(after);
        }
    }

    /** A watched Pi silent for longer than the power control allows. */
    private boolean wantsPowerCycle(Worker w, Observation seen) {
        return !seen.alive() && !seen.hostKeyRejected()
                && (w.state() == WorkerState.UNKNOWN || w.state() == WorkerState.REBUILD)
                && power.power().controls(w.id())
                && silence(w).compareTo(power.cycleAfter()) >= 0;
    }

    /**
     * Automatic power cycles in the last hour, counted back to when an operator last put the Pi
     * back in service (out of maintenance or retirement): a Pi just fixed starts with a clean slate.
     */
    private static long recentCycles(List<Event> history, java.time.Instant now) {
        long cycles = 0;
        for (int i = history.size() - 1; i >= 0; i--) {
            Event e = history.get(i);
            if (e.at().isBefore(now.minus(Duration.ofHours(1))) || e.kind().equals("transition")
                    && (e.detail().startsWith(WorkerState.MAINTENANCE.wireName() + " -> ")
                    || e.detail().startsWith(WorkerState.RETIRED.wireName() + " -> "))) {
                break;
            }
            if (e.kind().equals(AUTO_CYCLE)) {
                cycles++;
            }
        }
        return cycles;
    }

    /** How long the Pi has not answered: since its last state change or its last answer, whichever is later. */
    private Duration silence(Worker w) {
        java.time.Instant since = w.stateSince();
        java.time.Instant answered = lastAnswered.get(w.id());
        if (answered != null && answered.isAfter(since)) {
            since = answered;
        }
        return Duration.between(since, store.clock().instant());
    }

    /**
     * Switches a Pi off and on; the decision (or, past the hourly limit, maintenance instead) is
     * committed first. A cycled Pi is {@code unknown} with a fresh clock: probed, then reset.
     * Runs while this Pi is {@code busy}, and releases it.
     */
    private void powerCycle(Worker w, String why, boolean byOperator) {
        String id = w.id();
        Worker[] decided = store.write(tx -> {
            Worker now = tx.worker(id).orElseThrow();
            if (now.state().isLeased() || !byOperator && !monitored(now.state())) {
                return null; // leased or held meanwhile
            }
            if (!byOperator) {
                long recent = recentCycles(tx.events(Event.WORKER, id, 200), tx.now());
                if (recent >= power.perHour()) {
                    Worker held = now.moveTo(WorkerState.MAINTENANCE, "still not answering after " + recent
                            + " power cycles in the last hour (" + why + ")", tx.now());
                    tx.transition(now, held);
                    return new Worker[] {now, held};
                }
            }
            tx.append(Event.WORKER, id, byOperator ? OPERATOR_CYCLE : AUTO_CYCLE, why);
            return new Worker[] {now, now};
        });
        if (decided == null || decided[0] != decided[1]) {
            if (decided != null) {
                log.warn("Pi {}: {}", id, decided[1].reason());
                listener.changed(decided[0], decided[1]);
            }
            release(id);
            return;
        }
        log.info("Pi {}: power cycle ({})", id, why);
        Worker[] pair;
        try {
            String said = power.power().cycle(id);
            pair = store.write(tx -> {
                Worker now = tx.worker(id).orElseThrow();
                tx.append(Event.WORKER, id, "power-cycled", said);
                if (!monitored(now.state()) || now.state().isLeased()) {
                    return new Worker[] {now, now}; // maintenance stays so until an operator says otherwise
                }
                Worker next = Lifecycle.lostContact(now, "power-cycled (" + why + ")", tx.now());
                tx.transition(now, next);
                return new Worker[] {now, next};
            });
        } catch (PowerControl.Failed e) {
            log.warn("Pi {}: power cycle failed: {}", id, e.getMessage());
            store.note(Event.WORKER, id, "power-cycle-failed", e.getMessage());
            pair = new Worker[] {w, store.read(tx -> tx.worker(id)).orElse(w)};
        }
        if (pair[0].state() != pair[1].state()) {
            listener.changed(pair[0], pair[1]);
        }
        reprobeAttempt.remove(id);
        if (!release(id)) {
            scheduleNext(pair[1]);
        }
    }

    /**
     * Ends this Pi's probe or reset; a reset asked for meanwhile (a lease ended while its probe was
     * in flight) runs now instead of being lost. Returns whether it did.
     */
    private boolean release(String workerId) {
        busy.remove(workerId);
        if (cycleWanted.containsKey(workerId)) {
            schedule(workerId, Duration.ZERO);
            return true;
        }
        if (!resetWanted.remove(workerId)) {
            return false;
        }
        Optional<Worker> w = store.read(tx -> tx.worker(workerId));
        if (w.isPresent() && w.get().state() == WorkerState.REBUILD) {
            runReset(w.get());
            return true;
        }
        return false;
    }

    private void runReset(Worker w) {
        if (closed) {
            return;
        }
        if (!busy.add(w.id())) {
            // A probe in flight: its end runs the reset (see release), never a Pi gone ready unreset.
            resetWanted.add(w.id());
            return;
        }
        resetWanted.remove(w.id());
        try {
            pool.execute(() -> {
                try {
                    reset.reset(w);
                    // It answered the reset: its silence while it reboots starts now.
                    lastAnswered.put(w.id(), store.clock().instant());
                    store.note(Event.WORKER, w.id(), "reset", "restore_cattlepi.sh started");
                } catch (Exception e) {
                    resetFailed(w.id(), e);
                } finally {
                    reprobeAttempt.remove(w.id());
                    if (!release(w.id())) {
                        scheduleNext(store.read(tx -> tx.worker(w.id())).orElse(w));
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            busy.remove(w.id());
        }
    }

    private void resetFailed(String workerId, Exception error) {
        log.warn("reset of Pi {} failed: {}", workerId, error.getMessage());
        Worker[] pair = store.write(tx -> {
            Worker w = tx.worker(workerId).orElseThrow();
            if (w.state() != WorkerState.REBUILD) {
                return new Worker[] {w, w};
            }
            Worker failed = w.withHealth(w.health().resetFailed());
            String why = "reset failed: " + error.getMessage();
            Worker next = failed.health().consecutiveFailures() >= settings.failedResetStreak()
                    ? failed.moveTo(WorkerState.MAINTENANCE, why + "; " + failed.health().consecutiveFailures()
                            + " failed resets in a row", tx.now())
                    : Lifecycle.lostContact(failed, why, tx.now());
            tx.transition(w, next);
            return new Worker[] {w, next};
        });
        if (pair[0] != pair[1]) {
            listener.changed(pair[0], pair[1]);
        }
    }

    private void scheduleNext(Worker w) {
        if (!monitored(w.state())) {
            reprobeAttempt.remove(w.id());
            return;
        }
        Duration delay;
        if (w.state() == WorkerState.READY) {
            reprobeAttempt.remove(w.id());
            delay = settings.idleProbeInterval();
        } else {
            int attempt = reprobeAttempt.merge(w.id(), 1, Integer::sum) - 1;
            delay = reprobe.delay(attempt);
        }
        schedule(w.id(), delay);
    }

    private static boolean monitored(WorkerState s) {
        return s == WorkerState.UNKNOWN || s == WorkerState.REBUILD || s == WorkerState.READY;
    }

    @Override
    public void close() {
        closed = true;
    }
}
