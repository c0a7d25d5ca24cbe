package io.cattlepi.ci.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.fleet.VitalsBoard;
import io.cattlepi.ci.fleet.hostkey.NoHostKeyCheck;
import io.cattlepi.ci.fleet.ssh.SshWorkerShell;
import io.cattlepi.ci.simulator.pi.FaultCommand;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.worker.Vitals;
import io.cattlepi.ci.worker.Worker;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probe reads a Pi's health over real SSH from simulated Pis whose firmware the faults set:
 * under-voltage and throttling now and since boot, the temperature, the thermal zone where
 * vcgencmd is missing, and a tampered vcgencmd that floods or hangs.
 */
class PiHealthProbeTest {
    private static RackFixture fixture;
    private static FaultCommand faults;
    private static SshWorkerShell shell;
    private static final VitalsBoard board = new VitalsBoard();
    private static Probe probe;

    @BeforeAll
    static void start() throws Exception {
        fixture = RackFixture.start(3, PiTimings.fast());
        faults = new FaultCommand(fixture.rack(), fixture.api());
        shell = new SshWorkerShell("pi", fixture.clientKey(), new NoHostKeyCheck(), Duration.ofSeconds(5));
        probe = new Probe(shell, Duration.ofSeconds(10), board, Clock.systemUTC());
        for (SimulatedPi pi : fixture.rack().pis()) {
            assertTrue(pi.awaitState(SimulatedPi.State.STOCK, Duration.ofSeconds(30)), pi.name());
        }
    }

    @AfterAll
    static void stop() {
        if (shell != null) {
            shell.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static Vitals probed(String name) {
        SimulatedPi pi = fixture.rack().pi(name);
        assertTrue(probe.probe(Worker.discovered(name, pi.host(), pi.port(), pi.mac(), Instant.now())).alive(), name);
        return board.latest(name).orElseThrow();
    }

    @Test
    void undervoltageIsFlaggedNowAndAsOccurredUntilTheNextBoot() throws Exception {
        SimulatedPi pi = fixture.rack().pi("pi-1");
        Vitals fine = probed("pi-1");
        assertEquals(0, fine.throttled().bits());
        assertEquals(47.2, fine.celsius());

        assertEquals("undervolt pi-1 on", faults.apply("undervolt pi-1 on"));
        assertEquals(0x10001, probed("pi-1").throttled().bits());
        faults.apply("undervolt pi-1 off");
        assertEquals(0x10000, probed("pi-1").throttled().bits(), "it happened; the firmware remembers");

        int boots = pi.bootCount();
        pi.reboot();
        assertTrue(pi.awaitState(SimulatedPi.State.STOCK, Duration.ofSeconds(30)) && pi.bootCount() > boots);
        assertEquals(0, probed("pi-1").throttled().bits(), "a new boot starts clean");
    }

    @Test
    void throttlingAndTemperatureFromTheFaults() throws Exception {
        faults.apply("throttle pi-2 on");
        faults.apply("undervolt pi-2 on");
        assertEquals("temperature pi-2 81.5", faults.apply("temperature pi-2 81.5"));
        Vitals hot = probed("pi-2");
        assertEquals("0x50005", hot.throttled().hex());
        assertEquals(81.5, hot.celsius());
        faults.apply("throttle pi-2 off");
        faults.apply("undervolt pi-2 off");
        faults.apply("temperature pi-2 47.2");
    }

    @Test
    void withoutVcgencmdTheTemperatureComesFromTheThermalZone() throws Exception {
        SimulatedPi pi = fixture.rack().pi("pi-3");
        Files.deleteIfExists(pi.hostPath("/usr/local/bin/vcgencmd"));
        faults.apply("temperature pi-3 55.4");
        Vitals v = probed("pi-3");
        assertNull(v.throttled(), "no vcgencmd, no flags");
        assertEquals(55.4, v.celsius());
    }

    @Test
    void aTamperedVcgencmdThatFloodsOrHangsIsUnknownAndThePiStillAnswers() throws Exception {
        SimulatedPi pi = fixture.rack().pi("pi-3");
        // What a build running as root on the Pi could leave behind.
        Files.writeString(pi.hostPath("/usr/local/bin/vcgencmd"), "#!/bin/sh\nhead -c 20000000 /dev/zero | tr '\\0' 7\n");
        Files.setPosixFilePermissions(pi.hostPath("/usr/local/bin/vcgencmd"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertFalse(probed("pi-3").known());
        Files.writeString(pi.hostPath("/usr/local/bin/vcgencmd"), "#!/bin/sh\nexec sleep 600\n");
        assertFalse(probed("pi-3").known(), "the health command is given up after its own short limit");
        Files.delete(pi.hostPath("/usr/local/bin/vcgencmd"));
    }
}
