package io.cattlepi.ci.simulator.pi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-Pi rack driven with Debian's OpenSSH client: each Pi is its own machine (identity, files,
 * /tmp, boot id), root in it is nobody on the host, file transfer and multiplexing work, and every
 * way of rebooting a Pi reboots that Pi and nothing else.
 */
class JailedPiTest {
    private static final Duration T = Duration.ofSeconds(30);
    /** shutdown's minute lasts 2 s here, so "+1" is seen pending before it falls due. */
    private static final PiTimings TIMINGS = new PiTimings(Duration.ofMillis(150), Duration.ofMillis(150), Duration.ofSeconds(2));
    private static RackFixture fixture;
    private static SimulatedPi one;
    private static SimulatedPi two;
    private static OpenSsh ssh;

    @TempDir
    static Path dir;

    @BeforeAll
    static void rack() throws Exception {
        assumeTrue(OpenSsh.installed(), "OpenSSH client not installed");
        fixture = RackFixture.start(2, TIMINGS);
        one = fixture.rack().pi("pi-1");
        two = fixture.rack().pi("pi-2");
        for (SimulatedPi pi : fixture.rack().pis()) {
            assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T), pi.name() + " booted into stock");
        }
        ssh = new OpenSsh(fixture.privateKeyFile());
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String on(SimulatedPi pi, String command) throws Exception {
        OpenSsh.Result r = ssh.ssh(pi, command);
        assertEquals(0, r.rc(), command + " on " + pi.name() + ": " + r.err());
        return r.line();
    }

    @Test
    void eachPiHasItsOwnIdentityNotTheHosts() throws Exception {
        String hostName = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        assertEquals("pi-1", on(one, "hostname"));
        assertEquals("pi-2", on(two, "cat /etc/hostname"));
        assertNotEquals(hostName, on(one, "hostname"));
        assertEquals("raspbian_stock", on(one, "/etc/cattlepi/release.sh"));
        assertEquals("raspbian_stock", on(one, "sh -c /etc/cattlepi/release.sh"), "through a script too");
        String cmdline = on(one, "python3 -c 'print(open(\"/proc/cmdline\").read().strip())'");
        assertFalse(cmdline.contains("boot=cattlepi"), cmdline);
        assertNotEquals(Files.readString(Path.of("/proc/cmdline")).strip(), cmdline);
        String bootId = on(one, "cat /proc/sys/kernel/random/boot_id");
        assertNotEquals(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip(), bootId);
        assertNotEquals(on(two, "cat /proc/sys/kernel/random/boot_id"), bootId);
        assertEquals("/home/pi", on(one, "echo ~pi"), "Ansible's first command");
    }

    @Test
    void sudoIsRootInThePiAndNobodyOnTheHost() throws Exception {
        String tag = "sim-" + UUID.randomUUID();
        assertEquals("1000", on(one, "id -u"));
        assertEquals("pi", on(one, "whoami"));
        assertEquals("0", on(one, "sudo id -u"));
        assertEquals("root", on(one, "sudo -H -S -n -u root /bin/sh -c whoami"), "Ansible's become");
        assertNotEquals(0, ssh.ssh(one, "echo x > /etc/" + tag).rc(), "pi cannot write /etc without sudo");
        on(one, "sudo sh -c 'echo etc > /etc/" + tag + "; echo bin > /usr/local/bin/" + tag
                + "; mkdir -p /var/lib/" + tag + " && echo var > /var/lib/" + tag + "/f'");
        assertEquals("etc", Files.readString(one.hostPath("/etc/" + tag)).strip());
        assertEquals("bin", Files.readString(one.hostPath("/usr/local/bin/" + tag)).strip());
        assertEquals("var", Files.readString(one.hostPath("/var/lib/" + tag + "/f")).strip());
        for (String piPath : List.of("/etc/" + tag, "/usr/local/bin/" + tag, "/var/lib/" + tag)) {
            assertFalse(Files.exists(Path.of(piPath), LinkOption.NOFOLLOW_LINKS), piPath + " must not reach the host");
        }
        int owner = (Integer) Files.getAttribute(one.hostPath("/etc/" + tag), "unix:uid");
        assertNotEquals(0, owner, "the Pi's root is an unprivileged id on the host");
        assertNotEquals(0, ssh.ssh(one, "sudo touch /usr/bin/" + tag).rc(), "the host's /usr is read-only");
        assertFalse(Files.exists(Path.of("/usr/bin/" + tag)));
        assertNotEquals(0, ssh.ssh(one, "sudo kill -0 " + ProcessHandle.current().pid()).rc(), "host processes are out of reach");
        assertNotEquals(0, ssh.ssh(one, "test -e " + dir).rc(), "the host's files are out of sight");
    }

    @Test
    void tmpIsEachPisOwn() throws Exception {
        String name = "/tmp/sim-" + UUID.randomUUID();
        on(one, "echo one > " + name);
        assertNotEquals(0, ssh.ssh(two, "test -e " + name).rc());
        assertFalse(Files.exists(Path.of(name)));
        assertEquals("one", on(one, "cat " + name));
    }

    @Test
    void oneMegabyteGoesThroughSftpScpAndRsyncUnchanged() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);
        Path local = dir.resolve("blob");
        Files.write(local, data);
        Path batch = dir.resolve("batch");
        Files.writeString(batch, "put " + local + " sftp.bin\nget sftp.bin " + dir.resolve("sftp.back") + "\n");
        OpenSsh.Result sftp = ssh.sftp(one, batch);
        assertEquals(0, sftp.rc(), sftp.err());
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("sftp.back")));
        assertArrayEquals(data, Files.readAllBytes(one.home().resolve("sftp.bin")), "SFTP sees the shell's home");
        String remote = "pi@" + one.host() + ":";
        assertEquals(0, ssh.scp(one, local.toString(), remote + "/tmp/scp.bin").rc());
        assertEquals(0, ssh.scp(one, remote + "/tmp/scp.bin", dir.resolve("scp.back").toString()).rc());
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("scp.back")));
        assertEquals(on(one, "md5sum < sftp.bin"), on(one, "md5sum < /tmp/scp.bin"), "scp sees the shell's /tmp");
        assertEquals(0, ssh.scp(one, "-O", local.toString(), remote + "legacy.bin").rc(), "legacy scp protocol");
        assertArrayEquals(data, Files.readAllBytes(one.home().resolve("legacy.bin")));
        if (Files.isExecutable(Path.of("/usr/bin/rsync"))) {
            String rsh = "ssh -p " + one.port() + " " + String.join(" ", ssh.options());
            OpenSsh.Result rsync = OpenSsh.run(List.of("rsync", "-a", "-e", rsh, local.toString(), remote + "rsync.bin"));
            assertEquals(0, rsync.rc(), rsync.err());
            assertArrayEquals(data, Files.readAllBytes(one.home().resolve("rsync.bin")));
        }
    }

    @Test
    void twoHundredTransfersOverOneControlMasterConnection() throws Exception {
        Path control = Files.createTempDirectory("cm");
        OpenSsh mux = new OpenSsh(fixture.privateKeyFile(), "ControlMaster=auto", "ControlPersist=60",
                "ControlPath=" + control.resolve("%C"));
        Path small = dir.resolve("small");
        Files.writeString(small, "x".repeat(4096));
        String remote = "pi@" + two.host() + ":";
        try {
            for (int i = 0; i < 200; i++) {
                OpenSsh.Result r = i % 2 == 0 ? mux.scp(two, small.toString(), remote + "mux-" + (i % 10))
                        : mux.ssh(two, "cat mux-" + ((i - 1) % 10) + " | wc -c");
                assertEquals(0, r.rc(), "transfer " + i + ": " + r.err().substring(Math.max(0, r.err().length() - 3000)));
            }
            List<String> check = new java.util.ArrayList<>(List.of("ssh"));
            check.addAll(mux.options());
            check.addAll(List.of("-p", Integer.toString(two.port()), "-O", "check", "pi@" + two.host()));
            assertEquals(0, OpenSsh.run(check).rc(), "the master connection is still up");
        } finally {
            List<String> exit = new java.util.ArrayList<>(List.of("ssh"));
            exit.addAll(mux.options());
            exit.addAll(List.of("-p", Integer.toString(two.port()), "-O", "exit", "pi@" + two.host()));
            OpenSsh.run(exit);
        }
    }

    @Test
    void everyWayOfRebootingRebootsThePi() throws Exception {
        List<String> ways = new java.util.ArrayList<>(List.of("sudo reboot", "sudo /sbin/reboot", "sudo /sbin/shutdown -r now",
                "sudo systemctl reboot", "(sleep 0.3; sudo reboot) > /dev/null 2>&1 &"));
        if (Files.exists(Path.of("/proc/sysrq-trigger"))) {
            ways.add("sudo sh -c 'echo b > /proc/sysrq-trigger'");
        }
        for (String way : ways) {
            String before = on(two, "cat /proc/sys/kernel/random/boot_id");
            int boots = two.bootCount();
            ssh.ssh(two, way); // cut by the reboot, or back before it
            assertTrue(rebootedFrom(two, before), way + " rebooted the Pi");
            assertEquals(boots + 1, two.bootCount(), way + " rebooted it once");
        }
        assertNotEquals(0, ssh.ssh(two, "reboot").rc(), "pi needs sudo to reboot");
    }

    @Test
    void shutdownPlusOneRebootsOnlyAfterItsMinute() throws Exception {
        String before = on(one, "cat /proc/sys/kernel/random/boot_id");
        long asked = System.nanoTime();
        OpenSsh.Result r = ssh.ssh(one, "sudo /sbin/shutdown -r +1");
        assertEquals(0, r.rc(), "shutdown returns at once: " + r.err());
        assertTrue(r.err().contains("Shutdown scheduled"), r.err());
        assertTrue(rebootedFrom(one, before));
        assertTrue(Duration.ofNanos(System.nanoTime() - asked).compareTo(TIMINGS.minute()) >= 0,
                "it waited its (scaled) minute");
    }

    @Test
    void asRootEachPiHasItsOwnLoopbackAddressOnPort22() throws Exception {
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")), "needs root");
        assumeTrue(fixture.rack().addressing().contains("port 22"), fixture.rack().addressing());
        assertEquals(22, one.port());
        assertEquals(22, two.port());
        assertNotEquals(one.host(), two.host());
        assertTrue(one.host().startsWith("127.") && !one.host().equals("127.0.0.1"), one.host());
        List<String> argv = new java.util.ArrayList<>(List.of("ssh"));
        argv.addAll(ssh.options());
        argv.addAll(List.of("pi@" + two.host(), "hostname"));
        OpenSsh.Result r = OpenSsh.run(argv);
        assertEquals("pi-2", r.line(), "no port needed: " + r.err());
    }

    /** Waits (bounded) until the Pi answers with a boot id other than {@code before}. */
    private static boolean rebootedFrom(SimulatedPi pi, String before) throws InterruptedException {
        return SimulatedPi.await(() -> {
            try {
                OpenSsh.Result r = ssh.ssh(pi, "cat /proc/sys/kernel/random/boot_id");
                return r.rc() == 0 && !r.line().isEmpty() && !r.line().equals(before);
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }, T);
    }
}
