package io.cattlepi.ci.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.cattlepi.HttpCattlePiApi;
import io.cattlepi.ci.cattlepi.WorkerConfigSetup;
import io.cattlepi.ci.fleet.FleetMonitor;
import io.cattlepi.ci.fleet.hostkey.TrackedHostKeys;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code track} host-key policy on a simulated rack: the first reset installs the report in
 * the workers' usercode, each boot then reports its key to the CattlePi API, and only a reported
 * key passes; reboots are never flagged, a key the Pi did not report is.
 */
class TrackedHostKeysTest {

    @TempDir
    Path dir;
    private SimulatedFleet fleet;
    private RackFixture fixture;
    private Store store;
    private FleetMonitor monitor;

    @BeforeEach
    void rack() throws Exception {
        fleet = new SimulatedFleet(dir, 2, rack -> new TrackedHostKeys(api(rack), Clock.systemUTC(), Duration.ofSeconds(3)),
                rack -> new WorkerConfigSetup(api(rack), "default",
                rack.api().url() + RackFixture.RASPBIAN_PATH, rack.publicKeyLine(), TrackedHostKeys.USERCODE),
                SimulatedFleet.FAST);
        fixture = fleet.fixture;
        store = fleet.store;
        monitor = fleet.monitor;
    }

    private static HttpCattlePiApi api(RackFixture rack) {
        return new HttpCattlePiApi(URI.create(rack.api().url()), new Secret(RackFixture.API_KEY), Duration.ofSeconds(5));
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

    private String lastReport(SimulatedPi pi) {
        var track = fixture.api().track(RackFixture.API_KEY, pi.mac());
        for (int i = track.size() - 1; i >= 0; i--) {
            if (track.get(i).info().startsWith(TrackedHostKeys.REPORT)) {
                return track.get(i).info().substring(TrackedHostKeys.REPORT.length()).trim();
            }
        }
        return null;
    }

    @Test
    void reportedKeysPassReturnedPisAreNotFlaggedUnreportedKeysAre() throws Exception {
        monitor.start();
        for (SimulatedPi pi : fixture.rack().pis()) {
            assertTrue(awaitState(pi.name(), WorkerState.READY), pi.name() + ": " + worker(pi.name()).reason());
            assertEquals(pi.hostKeyFingerprint(), lastReport(pi), "each boot reports its own key");
        }
        SimulatedPi pi1 = fixture.rack().pi("pi-1");
        pi1.powerLoss(Duration.ofSeconds(1));
        assertTrue(awaitState("pi-1", WorkerState.UNKNOWN));
        assertTrue(awaitState("pi-1", WorkerState.READY), worker("pi-1").reason());
        assertEquals(pi1.hostKeyFingerprint(), lastReport(pi1));

        fixture.rack().pi("pi-2").changeHostKey();
        monitor.wake("pi-2");
        assertTrue(awaitState("pi-2", WorkerState.MAINTENANCE));
        assertTrue(worker("pi-2").reason().contains("not the one the Pi reported"), worker("pi-2").reason());
    }

    @Test
    void aPiWhoseReportArrivesAfterSshIsUpIsWaitedForNotFlagged() throws Exception {
        monitor.start();
        SimulatedPi late = fixture.rack().pi("pi-1");
        assertTrue(awaitState("pi-1", WorkerState.READY), worker("pi-1").reason());
        // As on a real Pi: sshd is up a second before the usercode reports the boot's new key.
        late.lateUsercode(Duration.ofSeconds(1));
        late.powerLoss(Duration.ofSeconds(1));
        assertTrue(awaitState("pi-1", WorkerState.UNKNOWN));
        assertTrue(awaitState("pi-1", WorkerState.READY), worker("pi-1").reason());
        assertEquals(late.hostKeyFingerprint(), lastReport(late));
        List<String> history = store.read(tx -> tx.events(Event.WORKER, "pi-1", 50)).stream().map(Event::kind).toList();
        assertFalse(history.contains("host-key-rejected"), history.toString());
    }
}
