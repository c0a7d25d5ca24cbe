package io.cattlepi.ci.engine;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildIds;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.build.Lease;
import io.cattlepi.ci.cancel.Cancellations;
import io.cattlepi.ci.concurrent.DaemonThreads;
import io.cattlepi.ci.fleet.FleetMonitor;
import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.metrics.EngineMetrics;
import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.schedule.Placement;
import io.cattlepi.ci.schedule.Scheduler;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.store.Tx;
import io.cattlepi.ci.worker.RackMember;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's engine, event-driven and crash-only: one decision thread binds queued builds
 * to ready Pis whenever either appears; probes, resets, builds and settling run on bounded pools
 * and report back by waking it. Every decision is committed to the store before it is acted on,
 * and {@link #start()} first repairs whatever a crash left behind.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final Store store;
    private final EnginePorts ports;
    private final EngineSettings settings;
    private final List<RackMember> rack;
    private final Scheduler scheduler;
    private final FleetMonitor fleet;
    private final Finisher finisher;
    private final LeaseRunner runner;
    private final QueueConsumer consumer;
    private final WaitingNotices waiting;
    private final EngineMetrics metrics = new EngineMetrics();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, DaemonThreads.named("engine-timer"));
    private final ExecutorService fleetPool;
    private final ExecutorService buildPool = Executors.newCachedThreadPool(DaemonThreads.named("build"));
    private final ExecutorService settlePool = DaemonThreads.pool("settle", 2);
    private final ExecutorService decisions = Executors.newSingleThreadExecutor(DaemonThreads.named("scheduler"));
    private final AtomicBoolean passPending = new AtomicBoolean();
    private Thread consumerThread;

    public Engine(Store store, EnginePorts ports, EngineSettings settings, FleetSettings fleetSettings,
                  List<RackMember> rack, Sleeper sleeper) {
        this(store, ports, settings, fleetSettings, rack, Placement.of(rack, java.util.Map.of()), sleeper);
    }

    /** @param placement which Pi may take which build (labels) */
    public Engine(Store store, EnginePorts ports, EngineSettings settings, FleetSettings fleetSettings,
                  List<RackMember> rack, Placement placement, Sleeper sleeper) {
        this.store = store;
        this.ports = ports;
        this.settings = settings;
        this.rack = List.copyOf(rack);
        this.scheduler = new Scheduler(store, placement);
        this.fleetPool = DaemonThreads.pool("fleet", fleetSettings.parallelProbes());
        this.fleet = new FleetMonitor(store, ports.probe(), ports.reset(), fleetSettings, ports.power(), timer, fleetPool,
                (before, after) -> {
                    if (after.state() == WorkerState.READY) {
                        wake();
                    }
                });
        this.finisher = new Finisher(store, ports.publisher(), ports.statuses(), ports.queue(), settings, timer, settlePool);
        this.runner = new LeaseRunner(store, ports.work(), ports.publisher(), ports.statuses(), fleet, finisher,
                settings, timer, metrics, ports.probe(), ports.workersConfig());
        this.waiting = new WaitingNotices(store, ports.statuses(), ports.publisher(),
                new StatusText(settings, ports.publisher()), settings);
        // After admission: stop builds it cancelled, bind the new builds, settle builds a newer push superseded, tell waiting ones why.
        this.consumer = new QueueConsumer(ports.queue(), ports.admission(), scheduler::freeCapacity, () -> {
            applyCancellations();
            wake();
            finisher.settleAll();
            postWaiting();
        }, settings.receiveWait(), settings.visibilityTimeout(), sleeper);
    }

    /** Repairs the store, then starts the fleet, the consumer and the periodic chores. */
    public void start() {
        int repaired = new Reconciler(store, settings.maxRuns()).reconcile();
        if (repaired > 0) {
            log.info("start-up: repaired {} builds and Pis left by the previous run", repaired);
        }
        fleet.syncRack(rack);
        fleet.start();
        finisher.settleAll();
        consumerThread = DaemonThreads.named("sqs-consumer").newThread(consumer);
        consumerThread.start();
        long beat = Math.max(1000, settings.visibilityTimeout().toMillis() / 3);
        timer.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::wake, 10, 10, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(finisher::settleAll, 1, 1, TimeUnit.MINUTES);
        timer.scheduleWithFixedDelay(this::postWaiting, 1, 1, TimeUnit.MINUTES);
        postWaiting();
        wake();
    }

    /** On the settling pool: a slow GitHub never holds the consumer or the scheduler. */
    private void postWaiting() {
        try {
            settlePool.execute(waiting::postAll);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("engine stopping; waiting builds are announced at the next start");
        }
    }

    /** Something changed (new build, Pi ready, build finished): run a scheduling pass soon. */
    public void wake() {
        consumer.capacityMayHaveChanged();
        if (passPending.compareAndSet(false, true)) {
            try {
                decisions.execute(this::pass);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                passPending.set(false);
            }
        }
    }

    private void pass() {
        passPending.set(false);
        try {
            for (Lease lease : scheduler.bind()) {
                log.info("build {} leased Pi {}", lease.build().id(), lease.worker().id());
                buildPool.execute(() -> runner.run(lease));
            }
        } catch (RuntimeException e) {
            log.error("scheduling pass failed; retried at the next wake-up", e);
        }
    }

    private void heartbeat() {
        try {
            ports.heartbeat().run();
        } catch (RuntimeException e) {
            log.warn("visibility heartbeat failed: {}", e.getMessage());
        }
    }

    // ---- operator actions (HTTP API, CLI, Jenkins)

    public Worker drain(String workerId, String why) {
        return fleet.drain(workerId, why);
    }

    public Worker retire(String workerId, String why) {
        return fleet.retire(workerId, why);
    }

    /** Ready Pis may have booted a config the controller did not approve: reset them before any lease. */
    public void workersConfigDrifted(String fields) {
        fleet.resetIdle("the workers' config drifted (" + fields + "): reset before its next lease");
    }

    public Worker undrain(String workerId) {
        return fleet.undrain(workerId);
    }

    /** Switches a Pi off and on (its power commands); refused while it runs a build. */
    public Worker powerCycle(String workerId, String why) {
        return fleet.powerCycle(workerId, why);
    }

    /**
     * Queues a new build of the same commit (no SQS message: nothing to delete at the end), or
     * returns the one already waiting for a Pi: asking twice never builds the commit twice.
     */
    public Build retry(String buildId) {
        Build again = store.write(tx -> {
            Build old = tx.build(buildId).orElseThrow(() -> new IllegalArgumentException("no build " + buildId));
            if (old.state() != BuildState.DONE && old.state() != BuildState.REJECTED) {
                throw new IllegalStateException("build " + buildId + " is " + old.state().wireName() + ", not finished");
            }
            if (old.repository() != null && old.sha() != null) {
                java.util.Optional<Build> waiting = tx.buildsOf(old.repository(), old.sha(), old.event()).stream()
                        .filter(b -> b.state() == BuildState.QUEUED || b.state() == BuildState.SCHEDULED)
                        .filter(b -> java.util.Objects.equals(b.ref(), old.ref())).findFirst();
                if (waiting.isPresent()) {
                    return waiting.get();
                }
            }
            Build b = Build.queued(BuildIds.next(tx.now()), old.repository(), old.sha(), old.ref(), old.prNumber(),
                    old.cloneUrl(), old.event(), null, null, null, tx.now());
            tx.buildChanged(null, b.withState(BuildState.QUEUED, "retry of " + buildId));
            return b;
        });
        wake();
        return again;
    }

    /**
     * Cancels a build: one not yet on a Pi ends at once; one on a Pi has its process tree killed
     * and its Pi reset. Either way it ends {@code error} with {@code description} and is reported
     * as any build is.
     *
     * @throws IllegalArgumentException when there is no such build
     */
    public Cancellations.Outcome cancel(String buildId, String description) {
        Cancellations.Outcome done = store.write(tx -> Cancellations.cancel(tx,
                tx.build(buildId).orElseThrow(() -> new IllegalArgumentException("no build " + buildId)), description));
        switch (done) {
            case ENDED -> finisher.settleSoon(buildId, java.time.Duration.ZERO);
            case ASKED -> runner.cancel(buildId, description);
            default -> { }
        }
        return done;
    }

    /** Cancels the builds whose cancellation is stored (asked by admission: superseded, closed) and run here. */
    private void applyCancellations() {
        store.read(Tx::cancelRequests).forEach(runner::cancel);
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    public boolean queueReachable() {
        return consumer.reachable();
    }

    public Finisher finisher() {
        return finisher;
    }

    public Store store() {
        return store;
    }

    @Override
    public void close() {
        consumer.close();
        fleet.close();
        runner.stopAll();
        decisions.shutdownNow();
        timer.shutdownNow();
        buildPool.shutdown();
        settlePool.shutdownNow();
        fleetPool.shutdownNow();
        try {
            buildPool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (consumerThread != null) {
            consumerThread.interrupt();
        }
    }
}
