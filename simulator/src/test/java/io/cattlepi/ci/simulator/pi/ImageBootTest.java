package io.cattlepi.ci.simulator.pi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.boottest.run.DeviceConfigs;
import io.cattlepi.ci.cattlepi.HttpCattlePiApi;
import io.cattlepi.ci.cattlepi.ImagePackage;
import io.cattlepi.ci.fleet.ShellException;
import io.cattlepi.ci.fleet.WorkerShell;
import io.cattlepi.ci.fleet.hostkey.NoHostKeyCheck;
import io.cattlepi.ci.fleet.ssh.SshWorkerShell;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.worker.Worker;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated Pi boots the images its own CattlePi config names, as CattlePi's initramfs does
 * (downloaded, md5-checked, the manifest says what it is), and core's {@link DeviceConfigs} points
 * that config at images and puts it back exactly.
 */
class ImageBootTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RackFixture fixture;
    private static SshWorkerShell shell;
    private static DeviceConfigs configs;

    @TempDir
    static Path dir;

    @BeforeAll
    static void rack() throws Exception {
        fixture = RackFixture.start(1, PiTimings.fast());
        assertTrue(fixture.rack().pi("pi-1").awaitState(SimulatedPi.State.STOCK, T));
        shell = new SshWorkerShell("pi", fixture.clientKey(), new NoHostKeyCheck(), Duration.ofSeconds(5));
        configs = new DeviceConfigs(new HttpCattlePiApi(URI.create(fixture.api().url()), new Secret(RackFixture.API_KEY),
                Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        shell.close();
        fixture.close();
    }

    private static String run(SimulatedPi pi, String command) throws ShellException {
        try (WorkerShell.Session s = shell.open(Worker.discovered(pi.name(), pi.host(), pi.port(), pi.mac(), Instant.now()))) {
            return s.exec(command, Duration.ofSeconds(10)).stdout().trim();
        }
    }

    /** Reboots the Pi from its CattlePi config, as a battery does. */
    private static void restoreCattlePi(SimulatedPi pi) {
        try {
            run(pi, "sudo /etc/cattlepi/restore_cattlepi.sh");
        } catch (ShellException e) {
            // the reboot cuts the session
        }
    }

    /** A simulated image served by the API stand-in: a tar with a manifest and a file, its md5sum. */
    private static String[] image(String name, String manifest) throws Exception {
        Path stage = Files.createDirectories(dir.resolve(name));
        Files.writeString(stage.resolve("cattlepi-manifest"), manifest);
        Files.createDirectories(stage.resolve("etc"));
        Files.writeString(stage.resolve("etc/motd"), "from " + name + "\n");
        Path archive = dir.resolve(name + ".tar");
        Process p = new ProcessBuilder("tar", "-C", stage.toString(), "-cf", archive.toString(), "cattlepi-manifest", "etc")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0);
        byte[] bytes = Files.readAllBytes(archive);
        fixture.api().serve("/images/test/" + name, bytes);
        return new String[] {fixture.api().url() + "/images/test/" + name,
                HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes))};
    }

    @Test
    void aPiBootsTheImagesItsConfigNamesThenStockOnceTheConfigIsBack() throws Exception {
        SimulatedPi pi = fixture.rack().pi("pi-1");
        assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T));
        String[] initfs = image("initfs-1", "kind=initfs\n");
        String[] rootfs = image("rootfs-1", "recipe=raspbian_cattlepi\ncommit=abc\n");
        assertNull(configs.own(pi.mac()), "it follows the default config");
        configs.point(pi.mac(), null, new ImagePackage(initfs[0], initfs[1], rootfs[0], rootfs[1]));
        JsonNode own = fixture.api().config(RackFixture.API_KEY, pi.mac()).orElseThrow();
        JsonNode shared = fixture.api().config(RackFixture.API_KEY, "default").orElseThrow();
        assertEquals(rootfs[1], own.path("rootfs").path("md5sum").asText());
        for (String kept : List.of("bootcode", "usercode", "config")) {
            assertEquals(shared.get(kept), own.get(kept), kept + " is the default's");
        }

        int boots = pi.bootCount();
        restoreCattlePi(pi);
        assertTrue(SimulatedPi.await(() -> pi.state() == SimulatedPi.State.CATTLEPI
                && "raspbian_cattlepi".equals(pi.bootedImage()), T), "boots the image");
        assertTrue(pi.bootCount() >= boots + 2, "a new initfs costs one more reboot, as on CattlePi");
        assertEquals("raspbian_cattlepi", run(pi, "/etc/cattlepi/release.sh"));
        assertTrue(run(pi, "cat /proc/cmdline").contains("boot=cattlepi"));
        assertEquals("from rootfs-1", run(pi, "cat /etc/motd"), "the image's files");
        assertEquals(rootfs[1], JSON.readTree(run(pi, "cat /cattlepi/config")).path("rootfs").path("md5sum").asText());
        assertEquals(rootfs[1], run(pi, "ls /boot/cattlepi/images | grep " + rootfs[1]));

        configs.restore(pi.mac(), null);
        assertTrue(fixture.api().config(RackFixture.API_KEY, pi.mac()).isEmpty(), "deleted: it had none");
        restoreCattlePi(pi);
        assertTrue(SimulatedPi.await(() -> pi.state() == SimulatedPi.State.STOCK && pi.bootedImage() == null, T));
        assertEquals("raspbian_stock", run(pi, "/etc/cattlepi/release.sh"));
        assertNotEquals("from rootfs-1", run(pi, "cat /etc/motd 2>/dev/null || true"), "the image's files went with it");
    }

    @Test
    void aCorruptImageMakesThePiBootLoopUntilItsConfigIsPutBack() throws Exception {
        SimulatedPi pi = fixture.rack().pi("pi-1");
        assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T));
        String[] initfs = image("initfs-2", "kind=initfs\n");
        String[] rootfs = image("rootfs-2", "recipe=raspbian_cattlepi\nsimulate=corrupt-download\n");
        configs.point(pi.mac(), null, new ImagePackage(initfs[0], initfs[1], rootfs[0], rootfs[1]));
        restoreCattlePi(pi);
        assertTrue(pi.awaitState(SimulatedPi.State.LOOPING, T), "the md5sum check panics");
        int boots = pi.bootCount();
        assertTrue(SimulatedPi.await(() -> pi.bootCount() > boots + 1, T), "and again at every boot");
        assertNull(pi.bootedImage());
        configs.restore(pi.mac(), null);
        assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T), "back on the default config, it re-flashes stock");
    }

    @Test
    void aPisOwnConfigIsPutBackByteForByte() throws Exception {
        SimulatedPi pi = fixture.rack().pi("pi-1");
        ObjectNode own = (ObjectNode) fixture.api().config(RackFixture.API_KEY, "default").orElseThrow().deepCopy();
        ((ObjectNode) own.get("config")).put("mystery", "kept as it is");
        fixture.api().putConfig(RackFixture.API_KEY, pi.mac(), own);
        byte[] before = fixture.api().configBytes(RackFixture.API_KEY, pi.mac()).orElseThrow();
        try {
            String saved = configs.own(pi.mac());
            assertTrue(saved.contains("kept as it is"));
            configs.point(pi.mac(), saved, new ImagePackage("http://x/i", "0".repeat(32), "http://x/r", "1".repeat(32)));
            JsonNode pointed = fixture.api().config(RackFixture.API_KEY, pi.mac()).orElseThrow();
            assertEquals("kept as it is", pointed.path("config").path("mystery").asText());
            assertEquals("http://x/r", pointed.path("rootfs").path("url").asText());
            configs.restore(pi.mac(), saved);
            assertArrayEquals(before, fixture.api().configBytes(RackFixture.API_KEY, pi.mac()).orElseThrow());
        } finally {
            configs.restore(pi.mac(), null);
        }
        assertFalse(fixture.api().config(RackFixture.API_KEY, pi.mac()).isPresent());
    }
}
