package io.cattlepi.ci.simulator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.cattlepi.CattlePiApiException;
import io.cattlepi.ci.cattlepi.DeviceConfig;
import io.cattlepi.ci.cattlepi.HttpCattlePiApi;
import io.cattlepi.ci.cattlepi.ImagePackage;
import io.cattlepi.ci.cattlepi.WorkerConfigSetup;
import io.cattlepi.ci.peers.Ports;
import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Core's CattlePi API client against the simulator's API server, over real HTTP. */
class CattlePiApiClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "workers-key";
    private static final String MAC = "b8:27:eb:6c:33:e2";
    private CattlePiApiServer server;
    private HttpCattlePiApi api;

    @BeforeEach
    void start() throws Exception {
        server = CattlePiApiServer.start();
        server.addKey(KEY, true);
        server.addKey("deadbeef", false);
        ObjectNode config = (ObjectNode) JSON.readTree("""
                {"bootcode": "ZWNobyBib290Cg==", "usercode": "", "initfs": {"url": "u1", "md5sum": "m1"},
                 "rootfs": {"url": "u2", "md5sum": "m2"},
                 "config": {"autoupdate": true, "mystery": {"kept": [1, 2]},
                            "ssh": {"pi": {"authorized_keys": ["ssh-rsa AAAAold someone"]}}}}""");
        server.putConfig(KEY, "default", config);
        api = new HttpCattlePiApi(URI.create(server.url()), new Secret(KEY), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void readModifyWriteKeepsWhatItDoesNotKnow() throws Exception {
        DeviceConfig c = api.config(MAC); // falls back to default
        assertEquals("echo boot\n", c.bootcode());
        assertTrue(c.autoupdate());
        assertEquals(List.of("ssh-rsa AAAAold someone"), c.authorizedKeys());
        c.usercode("touch /tmp/x\n");
        c.images(ImagePackage.parse("""
                INITFS=https://api.cattlepi.com/images/global/autobuild/raspbian_cattlepi/2026_11_20_114200/initramfs.tgz
                INITFSMD5=0123456789abcdef0123456789abcdef
                ROOTFS="https://api.cattlepi.com/images/global/autobuild/raspbian_cattlepi/2026_11_20_114200/rootfs.sqsh"
                ROOTFSMD5=fedcba9876543210fedcba9876543210
                """));
        api.putConfig(MAC, c);

        DeviceConfig back = api.config(MAC);
        assertEquals("touch /tmp/x\n", back.usercode());
        assertEquals("0123456789abcdef0123456789abcdef", back.initfs().orElseThrow().md5sum());
        assertEquals(JSON.readTree("{\"kept\": [1, 2]}"),
                JSON.readTree(server.configBytes(KEY, MAC).orElseThrow()).path("config").path("mystery"));
        assertEquals("echo boot\n", back.bootcode());
    }

    @Test
    void errorsAreClassified() throws Exception {
        HttpCattlePiApi readOnly = new HttpCattlePiApi(URI.create(server.url()), new Secret("deadbeef"), Duration.ofSeconds(5));
        assertEquals(CattlePiApiException.Kind.NOT_FOUND, assertThrows(CattlePiApiException.class,
                () -> readOnly.config(MAC)).kind());
        DeviceConfig c = api.config("default");
        assertEquals(CattlePiApiException.Kind.FORBIDDEN, assertThrows(CattlePiApiException.class,
                () -> readOnly.putConfig(MAC, c)).kind());
        HttpCattlePiApi unknownKey = new HttpCattlePiApi(URI.create(server.url()), new Secret("nope"), Duration.ofSeconds(5));
        CattlePiApiException forbidden = assertThrows(CattlePiApiException.class, () -> unknownKey.config(MAC));
        assertFalse(forbidden.getMessage().contains("nope"), "the key never appears in messages");

        HttpCattlePiApi blankKey = new HttpCattlePiApi(URI.create(server.url()), new Secret(" "), Duration.ofSeconds(5));
        assertEquals(CattlePiApiException.Kind.UNAUTHORIZED, assertThrows(CattlePiApiException.class,
                () -> blankKey.config(MAC)).kind());

        server.putConfig(KEY, "b8:27:eb:00:00:99", JSON.readTree("{\"bootcode\": 42}"));
        CattlePiApiException bad = assertThrows(CattlePiApiException.class, () -> api.config("b8:27:eb:00:00:99"));
        assertEquals(CattlePiApiException.Kind.BAD_BODY, bad.kind());
        assertTrue(bad.getMessage().endsWith("bootcode is not a string"), bad.getMessage());

        server.setDown(true);
        CattlePiApiException down = assertThrows(CattlePiApiException.class, () -> api.config(MAC));
        assertEquals(CattlePiApiException.Kind.UNAVAILABLE, down.kind());
        assertTrue(down.retryable());

        int closedPort = Ports.free(); // nothing listens there
        HttpCattlePiApi nowhere = new HttpCattlePiApi(URI.create("http://127.0.0.1:" + closedPort), new Secret(KEY),
                Duration.ofSeconds(2));
        assertEquals(CattlePiApiException.Kind.UNAVAILABLE, assertThrows(CattlePiApiException.class,
                () -> nowhere.config("default")).kind());
    }

    @Test
    void oversizedConfigsAreRefusedBeforeSending() throws Exception {
        DeviceConfig c = api.config("default");
        c.usercode("x".repeat(5000));
        int posts = server.configPosts();
        CattlePiApiException e = assertThrows(CattlePiApiException.class, () -> api.putConfig(MAC, c));
        assertEquals(CattlePiApiException.Kind.TOO_LARGE, e.kind());
        assertEquals(posts, server.configPosts());
    }

    @Test
    void workerSetupWritesOnlyWhenTheMeaningDiffers() throws Exception {
        String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9vcs controller";
        WorkerConfigSetup setup = new WorkerConfigSetup(api, "default", server.url() + "/images/global/raspbian/r.zip", key, null);
        assertTrue(setup.ensure());
        DeviceConfig after = api.config("default");
        assertEquals(List.of("ssh-rsa AAAAold someone", key), after.authorizedKeys());
        assertEquals(server.url() + "/images/global/raspbian/r.zip", after.raspbianLocation().orElseThrow());
        int posts = server.configPosts();
        assertFalse(setup.ensure());
        // the same key with another comment is the same key
        assertFalse(new WorkerConfigSetup(api, "default", server.url() + "/images/global/raspbian/r.zip",
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9vcs other-label", null).ensure());
        assertEquals(posts, server.configPosts());
    }
}
