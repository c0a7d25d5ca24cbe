package io.cattlepi.ci.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.fleet.FleetMonitor;
import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.WorkerReset;
import io.cattlepi.ci.fleet.hostkey.PerBootPinning;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet lifecycle against a 3-Pi simulated rack over real SSH, with per-boot host-key pinning. */
class FleetOnSimulatedRackTest {

    @TempDir
    Path dir;
    private SimulatedFleet fleet;
    private RackFixture fixture;
    private Store store;
    private FleetMonitor monitor;

    @BeforeEach
    void rack() throws Exception {
        fleet = new SimulatedFleet(dir, 3, rack -> new PerBootPinning(), rack -> WorkerReset.BootConfig.UNCHANGED,
                new FleetSettings(Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofSeconds(2), 3,
                        Duration.ofSeconds(5), 4));
        fixture = fleet.fixture;
        store = fleet.store;
        monitor = fleet.monitor;
    }

    @AfterEach
    void stop() throws Exception {
        fleet.close();
    }

    private Worker worker(String id) {
        return fleet.worker(id);
    }

    private boolean awaitState(String id, WorkerState state) {
        return fleet.awaitState(id, state);
    }

    @Test
    void freshRackGoesFromUnknownToAllReadyThroughAReset() throws Exception {
        monitor.start();
        for (String id : List.of("pi-1", "pi-2", "pi-3")) {
            assertTrue(awaitState(id, WorkerState.READY), id + " ready, is " + worker(id).state() + ": " + worker(id).reason());
            Worker w = worker(id);
            assertEquals(1, w.health().resets());
            assertEquals(fixture.rack().pi(id).hostKeyFingerprint(), w.hostKey(), "the stock boot's key is pinned");
            List<String> history = store.read(tx -> tx.events(Event.WORKER, id, 20)).stream().map(Event::detail).toList();
            assertTrue(history.stream().anyMatch(d -> d.contains("rebuild")), history.toString());
        }
        assertTrue(fixture.rack().pis().stream().allMatch(p -> p.bootCount() == 3), "boot, CattlePi image, stock");
    }

    @Test
    void deadPiStaysUnknownWithoutStallingTheOthers() throws Exception {
        fixture.rack().pi("pi-3").powerLoss(Duration.ofHours(1));
        monitor.start();
        assertTrue(awaitState("pi-1", WorkerState.READY));
        assertTrue(awaitState("pi-2", WorkerState.READY));
        assertEquals(WorkerState.UNKNOWN, worker("pi-3").state());
    }

    @Test
    void bootLoopingPiEndsInMaintenanceAfterTheStreak() throws Exception {
        monitor.start();
        assertTrue(awaitState("pi-2", WorkerState.REBUILD));
        fixture.rack().pi("pi-2").bootLoop(true); // the reset's reboot never comes back
        assertTrue(awaitState("pi-2", WorkerState.MAINTENANCE), "is " + worker("pi-2").state());
        assertTrue(worker("pi-2").reason().contains("3 failed resets in a row"), worker("pi-2").reason());
        assertEquals(WorkerState.READY, worker("pi-1").state());
    }

    @Test
    void impostorIsCaughtButOrdinaryRebootsAreNot() throws Exception {
        monitor.start();
        for (String id : List.of("pi-1", "pi-2")) {
            assertTrue(awaitState(id, WorkerState.READY));
        }
        // pi-1 goes through several resets and outages: new keys every boot, never flagged.
        SimulatedPi pi1 = fixture.rack().pi("pi-1");
        pi1.powerLoss(Duration.ofSeconds(2));
        assertTrue(awaitState("pi-1", WorkerState.UNKNOWN));
        assertTrue(awaitState("pi-1", WorkerState.READY));
        assertEquals(pi1.hostKeyFingerprint(), worker("pi-1").hostKey());

        // pi-2 suddenly presents another key without any reboot: something else answers in its place.
        fixture.rack().pi("pi-2").changeHostKey();
        assertTrue(awaitState("pi-2", WorkerState.MAINTENANCE));
        assertTrue(worker("pi-2").reason().contains("host key changed without a reboot"), worker("pi-2").reason());
        assertTrue(store.read(tx -> tx.events(Event.WORKER, "pi-2", 20)).stream().anyMatch(e -> e.kind().equals("host-key-rejected")));
    }

    @Test
    void powerLossOfAReadyPiGoesUnknownThenBackThroughRebuild() throws Exception {
        monitor.start();
        assertTrue(awaitState("pi-3", WorkerState.READY));
        fixture.rack().pi("pi-3").powerLoss(Duration.ofSeconds(2));
        assertTrue(awaitState("pi-3", WorkerState.UNKNOWN));
        assertTrue(awaitState("pi-3", WorkerState.READY));
        assertEquals(2, worker("pi-3").health().resets());
    }

    @Test
    void operatorDrainAndUndrain() throws Exception {
        monitor.start();
        assertTrue(awaitState("pi-1", WorkerState.READY));
        monitor.drain("pi-1", "new SD card");
        assertEquals(WorkerState.MAINTENANCE, worker("pi-1").state());
        monitor.undrain("pi-1");
        assertTrue(awaitState("pi-1", WorkerState.READY));
    }
}
