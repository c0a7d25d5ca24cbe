package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.fleet.FleetMonitor;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.worker.WorkerState;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power control on the simulated rack, through the configured commands: the controller runs curl
 * against the rack's power switch (one outlet per Pi), exactly as it would run uhubctl or a PDU's
 * client. A hung Pi comes back by itself; one that stays dead uses up its cycles and waits in
 * maintenance; an operator cycles a Pi by hand.
 */
class PowerControlTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    private static LiveRack rack;

    @BeforeAll
    static void start() throws Exception {
        rack = LiveRack.start(dir, new DemoWorld.Options(2, PiTimings.fast(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(1), null)
                .with("power_cycle_after_s", 3).with("power_cycles_per_hour", 2).with("power_off_s", 1), WAIT);
    }

    @AfterAll
    static void stop() {
        if (rack != null) {
            rack.close();
        }
    }

    private static SimulatedPi pi(String name) {
        return rack.world().rack().rack().pi(name);
    }

    private static long events(String pi, String kind) {
        return rack.history(pi).stream().filter(e -> e.kind().equals(kind)).count();
    }

    @Test
    void aHungPiIsPowerCycledThroughItsCommandAndComesBackReady() throws Exception {
        SimulatedPi pi = pi("pi-1");
        int offs = pi.powerOffs();
        pi.hang();
        rack.await("pi-1 seen dead", () -> rack.worker("pi-1").state() != WorkerState.READY);
        rack.await("pi-1 power-cycled and ready again", () -> pi.powerOffs() > offs
                && rack.worker("pi-1").state() == WorkerState.READY);
        Event cycled = rack.history("pi-1").stream().filter(e -> e.kind().equals("power-cycled")).reduce((a, b) -> b)
                .orElseThrow();
        assertTrue(cycled.detail().startsWith("off (curl exit 0"), cycled.detail());
        assertTrue(rack.history("pi-1").stream().anyMatch(e -> e.kind().equals(FleetMonitor.AUTO_CYCLE)
                && e.detail().startsWith("not answering for ")), "why it was cycled");
    }

    @Test
    void aPiThatStaysDeadUsesItsCyclesThenWaitsInMaintenanceUntilAnOperatorCyclesIt() throws Exception {
        SimulatedPi pi = pi("pi-2");
        pi.bootLoop(true);
        pi.reboot();
        rack.await("pi-2 in maintenance", () -> rack.worker("pi-2").state() == WorkerState.MAINTENANCE);
        assertTrue(rack.worker("pi-2").reason().startsWith("still not answering after 2 power cycles in the last hour"),
                rack.worker("pi-2").reason());
        // Two an hour: counting any a slow reset at start-up got (a loaded machine), no more.
        assertEquals(2, events("pi-2", FleetMonitor.AUTO_CYCLE), "two cycles: " + rack.history("pi-2"));
        assertEquals(2, pi.powerOffs(), "each one switched the outlet off and on");

        // Someone fixes what made it loop, then cycles it from the API and puts it back.
        pi.bootLoop(false);
        HttpResponse<String> asked = rack.operatorPost("/api/workers/pi-2/power-cycle?reason=new%20SD%20card");
        assertEquals(202, asked.statusCode(), asked.body());
        rack.await("the operator's cycle done", () -> events("pi-2", "power-cycled") == 3 && pi.powerOffs() == 3);
        assertEquals(WorkerState.MAINTENANCE, rack.worker("pi-2").state(), "still held until undrained");
        assertEquals(200, rack.operatorPost("/api/workers/pi-2/undrain").statusCode());
        rack.await("pi-2 ready", () -> rack.worker("pi-2").state() == WorkerState.READY);
        assertTrue(rack.history("pi-2").stream().anyMatch(e -> e.kind().equals(FleetMonitor.OPERATOR_CYCLE)
                && e.detail().equals("new SD card")));
    }

    @Test
    void theRackPageAndTheApiShowWhichPisHavePowerControl() throws Exception {
        String workers = rack.get("/api/workers").body();
        assertTrue(workers.contains("\"powerControlled\":true"), workers);
        assertTrue(rack.get("/").body().contains(">power-cycle</button>"));
    }
}
