package io.cattlepi.ci.simulator.pi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cattlepi.ci.fleet.ShellException;
import io.cattlepi.ci.fleet.WorkerShell;
import io.cattlepi.ci.fleet.hostkey.NoHostKeyCheck;
import io.cattlepi.ci.fleet.ssh.SshWorkerShell;
import io.cattlepi.ci.worker.Worker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulated Pi over real SSH: the seed's probes, the restore cycle, OpenSSH, and faults. */
class SimulatedPiTest {
    private static final Duration T = Duration.ofSeconds(20);
    private static RackFixture fixture;
    private static SshWorkerShell shell;

    @BeforeAll
    static void rack() throws Exception {
        fixture = RackFixture.start(2, PiTimings.fast());
        for (SimulatedPi pi : fixture.rack().pis()) {
            assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T), pi.name() + " booted into stock");
        }
        shell = new SshWorkerShell("pi", fixture.clientKey(), new NoHostKeyCheck(), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        shell.close();
        fixture.close();
    }

    private static Worker worker(SimulatedPi pi) {
        return Worker.discovered(pi.name(), pi.host(), pi.port(), pi.mac(), Instant.now());
    }

    private static WorkerShell.CommandResult run(SimulatedPi pi, String command) throws ShellException {
        return run(shell, pi, command);
    }

    private static WorkerShell.CommandResult run(SshWorkerShell through, SimulatedPi pi, String command)
            throws ShellException {
        try (WorkerShell.Session s = through.open(worker(pi))) {
            return s.exec(command, Duration.ofSeconds(10));
        }
    }

    @Test
    void seedProbesSeeAStockPi() throws Exception {
        SimulatedPi pi = fixture.rack().pi("pi-1");
        assertEquals("pi", run(pi, "whoami").stdout().trim());
        assertEquals("root", run(pi, "sudo whoami").stdout().trim());
        assertEquals("raspbian_stock", run(pi, "/etc/cattlepi/release.sh").stdout().trim());
        assertFalse(run(pi, "cat /proc/cmdline").stdout().contains("boot=cattlepi"));
        assertEquals("/home/pi", run(pi, "pwd").stdout().trim(), "commands start in the Pi's home");
        assertEquals(3, run(pi, "exit 3").exitCode());
        assertEquals("err", run(pi, "echo err >&2").stderr().trim());
    }

    @Test
    void restoreReflashesStockWithANewHostKeyAtEveryBoot() throws Exception {
        // Its own Pi with a 3 s flash: the CattlePi boot lasts long enough to be looked at on a loaded machine.
        try (RackFixture one = RackFixture.start(1, new PiTimings(Duration.ofMillis(150), Duration.ofSeconds(3)));
             SshWorkerShell own = new SshWorkerShell("pi", one.clientKey(), new NoHostKeyCheck(), Duration.ofSeconds(5))) {
            SimulatedPi pi = one.rack().pi("pi-1");
            assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T));
            String before = pi.hostKeyFingerprint();
            int boots = pi.bootCount();
            try {
                run(own, pi, "sudo /etc/cattlepi/restore_cattlepi.sh");
            } catch (ShellException e) {
                assertEquals(ShellException.Kind.DISCONNECTED, e.kind());
            }
            assertTrue(pi.awaitState(SimulatedPi.State.CATTLEPI, T), "boots the CattlePi image first");
            assertTrue(run(own, pi, "cat /proc/cmdline").stdout().contains("boot=cattlepi"));
            assertEquals("raspbian_cattlepi", run(own, pi, "/etc/cattlepi/release.sh").stdout().trim());
            assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T), "then re-flashes stock and reboots");
            assertEquals(boots + 2, pi.bootCount());
            assertNotEquals(before, pi.hostKeyFingerprint());
            assertEquals("raspbian_stock", run(own, pi, "/etc/cattlepi/release.sh").stdout().trim());
        }
    }

    @Test
    void rebootDropsTheEndpointWhileBooting() throws Exception {
        // Its own Pi with a 4 s boot: the reboot acts once the command has returned, as on a Pi, so
        // the endpoint must stay down long enough to be seen down.
        try (RackFixture one = RackFixture.start(1, new PiTimings(Duration.ofSeconds(4), Duration.ofMillis(150)));
             SshWorkerShell own = new SshWorkerShell("pi", one.clientKey(), new NoHostKeyCheck(), Duration.ofSeconds(5))) {
            SimulatedPi pi = one.rack().pi("pi-1");
            assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T));
            try (WorkerShell.Session s = own.open(worker(pi))) {
                s.exec("sudo reboot", Duration.ofSeconds(10));
            } catch (ShellException e) {
                // dropped mid-command is what a Pi does too
            }
            assertTrue(SimulatedPi.await(() -> pi.state() != SimulatedPi.State.STOCK, T), "the reboot took effect");
            // The state changes a moment before the endpoint closes: wait for a refused connection.
            java.util.concurrent.atomic.AtomicReference<ShellException> refused = new java.util.concurrent.atomic.AtomicReference<>();
            assertTrue(SimulatedPi.await(() -> {
                try {
                    own.open(worker(pi)).close();
                    return false;
                } catch (ShellException e) {
                    refused.set(e);
                    return true;
                }
            }, T), "the endpoint went down while the Pi booted");
            assertEquals(ShellException.Kind.UNREACHABLE, refused.get().kind());
            assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T));
            try (WorkerShell.Session s = own.open(worker(pi))) {
                assertEquals("pi", s.exec("whoami", Duration.ofSeconds(10)).stdout().trim());
            }
        }
    }

    @Test
    void realOpenSshClientRunsTheSeedsProbes() throws Exception {
        assumeTrue(Files.isExecutable(java.nio.file.Path.of("/usr/bin/ssh")), "OpenSSH client not installed");
        SimulatedPi pi = fixture.rack().pi("pi-1");
        assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T));
        for (String[] probe : new String[][] {{"whoami", "pi"}, {"/etc/cattlepi/release.sh", "raspbian_stock"}}) {
            List<String> argv = new ArrayList<>(List.of("ssh", "-i", fixture.privateKeyFile().toString(), "-p",
                    String.valueOf(pi.port()), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR", "pi@" + pi.host(), probe[0]));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, p.exitValue(), out);
            assertEquals(probe[1], out);
        }
    }

    @Test
    void hangAcceptsTcpButNeverSpeaksSsh() throws Exception {
        SimulatedPi pi = fixture.rack().pi("pi-2");
        assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T));
        pi.hang();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(pi.host(), pi.port()), 2000);
            s.setSoTimeout(500);
            assertThrows(java.net.SocketTimeoutException.class, () -> s.getInputStream().read(), "no SSH banner");
        }
        ShellException e = assertThrows(ShellException.class, () -> run(pi, "whoami"));
        assertNotEquals(ShellException.Kind.AUTH_FAILED, e.kind());
        pi.unhang();
        assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T));
        assertEquals("pi", run(pi, "whoami").stdout().trim());
    }

    @Test
    void refusedAuthAndPowerLoss() throws Exception {
        SimulatedPi pi = fixture.rack().pi("pi-1");
        assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T));
        pi.refuseAuth(true);
        try {
            assertEquals(ShellException.Kind.AUTH_FAILED, assertThrows(ShellException.class, () -> run(pi, "whoami")).kind());
        } finally {
            pi.refuseAuth(false);
        }
        pi.powerLoss(Duration.ofMillis(300));
        assertEquals(ShellException.Kind.UNREACHABLE, assertThrows(ShellException.class, () -> run(pi, "whoami")).kind());
        assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T), "comes back after the outage");
    }

    @Test
    void bootLoopNeverReachesStock() throws Exception {
        try (RackFixture one = RackFixture.start(1, PiTimings.fast())) {
            SimulatedPi pi = one.rack().pi("pi-1");
            pi.bootLoop(true);
            assertTrue(SimulatedPi.await(() -> pi.bootCount() >= 3, T), "keeps rebooting");
            assertFalse(pi.state() == SimulatedPi.State.STOCK);
            pi.bootLoop(false);
            assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
