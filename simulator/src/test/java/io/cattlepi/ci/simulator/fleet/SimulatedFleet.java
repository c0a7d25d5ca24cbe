package io.cattlepi.ci.simulator.fleet;

import io.cattlepi.ci.fleet.FleetMonitor;
import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.fleet.WorkerReset;
import io.cattlepi.ci.fleet.hostkey.HostKeyPolicy;
import io.cattlepi.ci.fleet.ssh.SshWorkerShell;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.RackMember;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A fleet monitor over a simulated rack, as the fleet tests wire it: a store, the controller's SSH
 * with a host-key policy, the probe and reset, fast pacing. The monitor is started by the test,
 * after any fault it wants in place first.
 */
final class SimulatedFleet implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(40);
    static final FleetSettings FAST = new FleetSettings(Duration.ofMillis(300), Duration.ofMillis(100),
            Duration.ofSeconds(5), 3, Duration.ofSeconds(5), 4);

    final RackFixture fixture;
    final Store store;
    final FleetMonitor monitor;
    private final SshWorkerShell shell;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    /**
     * @param policy     the host-key policy, given the rack (track asks its CattlePi API)
     * @param bootConfig what a reset makes sure of first, given the rack
     */
    SimulatedFleet(Path dir, int pis, Function<RackFixture, HostKeyPolicy> policy,
                   Function<RackFixture, WorkerReset.BootConfig> bootConfig, FleetSettings settings) throws Exception {
        fixture = RackFixture.start(pis, PiTimings.fast());
        store = Store.open(dir.resolve("fleet.db"), Clock.systemUTC());
        shell = new SshWorkerShell("pi", fixture.clientKey(), policy.apply(fixture), Duration.ofSeconds(3));
        monitor = new FleetMonitor(store, new Probe(shell, Duration.ofSeconds(5)),
                new WorkerReset(shell, bootConfig.apply(fixture), Duration.ofSeconds(5)), settings, timer, pool,
                (before, after) -> { });
        monitor.syncRack(fixture.rack().pis().stream()
                .map(p -> new RackMember(p.name(), p.host(), p.port(), p.mac())).toList());
    }

    Worker worker(String id) {
        return store.read(tx -> tx.worker(id)).orElseThrow();
    }

    boolean await(String id, Predicate<Worker> condition) {
        return await(() -> condition.test(worker(id)));
    }

    boolean awaitState(String id, WorkerState state) {
        return await(id, w -> w.state() == state);
    }

    /** Whether the condition came true in time (the rack works on its own threads). */
    static boolean await(BooleanSupplier condition) {
        try {
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        monitor.close();
        timer.shutdownNow();
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        shell.close();
        store.close();
        fixture.close();
    }
}
