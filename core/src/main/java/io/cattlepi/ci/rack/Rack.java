package io.cattlepi.ci.rack;

import io.cattlepi.ci.concurrent.DaemonThreads;
import io.cattlepi.ci.fleet.FleetListener;
import io.cattlepi.ci.fleet.FleetMonitor;
import io.cattlepi.ci.fleet.PiLeases;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A rack kept ready without the engine, for a front end that runs builds itself (the Jenkins
 * cloud): the fleet monitor probes and resets the Pis, and {@link #leases()} hands ready ones out.
 * On start, Pis a previous run left leased stay leased until the front end reaps them, because
 * only it knows which holders are still alive.
 */
public final class Rack implements AutoCloseable {
    private final Store store;
    private final RackAccess access;
    private final ScheduledExecutorService timer;
    private final ExecutorService pool;
    private final FleetMonitor monitor;
    private final PiLeases leases;

    private Rack(Store store, RackAccess access, ScheduledExecutorService timer, ExecutorService pool,
                 FleetMonitor monitor) {
        this.store = store;
        this.access = access;
        this.timer = timer;
        this.pool = pool;
        this.monitor = monitor;
        this.leases = new PiLeases(store, monitor);
    }

    /** Opens the SSH access and starts watching the configured Pis. */
    public static Rack start(Store store, RackSettings settings, FleetListener listener) {
        RackAccess access = RackAccess.open(settings, store);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("rack-timer"));
        ExecutorService pool = DaemonThreads.pool("rack-probe", settings.fleet().parallelProbes());
        FleetMonitor monitor = new FleetMonitor(store, access.probe(), access.reset(), settings.fleet(), timer, pool,
                listener);
        monitor.syncRack(settings.members());
        monitor.start();
        return new Rack(store, access, timer, pool, monitor);
    }

    public PiLeases leases() {
        return leases;
    }

    public List<Worker> workers() {
        return store.read(tx -> tx.workers().stream().filter(w -> w.state() != WorkerState.RETIRED).toList());
    }

    @Override
    public void close() {
        monitor.close();
        timer.shutdownNow();
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        access.close();
    }
}
