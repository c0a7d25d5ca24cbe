package io.cattlepi.ci.simulator.pi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Faults typed on the simulate command's stdin reach the simulated Pis; bad lines name the bad word. */
class FaultCommandTest {
    private static RackFixture fixture;
    private static FaultCommand faults;

    @BeforeAll
    static void start() throws Exception {
        fixture = RackFixture.start(1, PiTimings.fast());
        faults = new FaultCommand(fixture.rack(), fixture.api());
        assertTrue(fixture.rack().pi("pi-1").awaitState(SimulatedPi.State.STOCK, Duration.ofSeconds(30)));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void powerLossTakesThePiDownAndItComesBack() throws Exception {
        SimulatedPi pi = fixture.rack().pi("pi-1");
        int boots = pi.bootCount();
        assertEquals("power-loss pi-1 1", faults.apply("power-loss pi-1 1"));
        assertTrue(pi.awaitState(SimulatedPi.State.STOCK, Duration.ofSeconds(30)));
        assertTrue(pi.bootCount() > boots);
    }

    @Test
    void hostKeyChangeAndApiOutage() throws Exception {
        SimulatedPi pi = fixture.rack().pi("pi-1");
        String before = pi.hostKeyFingerprint();
        faults.apply("change-host-key pi-1");
        assertTrue(!before.equals(pi.hostKeyFingerprint()));
        assertEquals("CattlePi API down", faults.apply("api-down on"));
        assertEquals("CattlePi API up", faults.apply("api-down off"));
    }

    @Test
    void badLinesNameWhatIsWrong() {
        assertEquals("no Pi named \"pi-9\"", assertThrows(IllegalArgumentException.class, () -> faults.apply("hang pi-9")).getMessage());
        assertEquals("boot-loop: expected on or off, got \"maybe\"",
                assertThrows(IllegalArgumentException.class, () -> faults.apply("boot-loop pi-1 maybe")).getMessage());
        assertEquals("power-loss: expected a non-negative number, got \"soon\"",
                assertThrows(IllegalArgumentException.class, () -> faults.apply("power-loss pi-1 soon")).getMessage());
        assertEquals("temperature: expected degrees Celsius from -40 to 125, got \"hot\"",
                assertThrows(IllegalArgumentException.class, () -> faults.apply("temperature pi-1 hot")).getMessage());
        assertEquals("temperature: expected degrees Celsius from -40 to 125, got \"900\"",
                assertThrows(IllegalArgumentException.class, () -> faults.apply("temperature pi-1 900")).getMessage());
        assertEquals("undervolt: expected on or off, got \"\"",
                assertThrows(IllegalArgumentException.class, () -> faults.apply("undervolt pi-1")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> faults.apply("explode pi-1")).getMessage()
                .startsWith("unknown fault \"explode\""));
    }
}
