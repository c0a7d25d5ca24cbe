package io.cattlepi.ci.simulator.pi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.simulator.api.CattlePiApiServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/**
 * Everything a simulated rack needs, set up the way the seed's setup script left a real one: a
 * local CattlePi API, an API key, the workers' {@code default} config holding the controller's
 * public key and a Raspbian location the API serves, and the rack booted from it; and the rack's
 * power switch.
 */
public final class RackFixture implements AutoCloseable {
    public static final String API_KEY = "rack-api-key";
    public static final String RASPBIAN_PATH = "/images/global/raspbian/raspbian_lite_latest.zip";

    private final CattlePiApiServer api;
    private final PiRack rack;
    private final KeyPair clientKey;
    private final String privateKeyText;
    private final String publicKeyLine;
    private final Path privateKeyFile;
    private final PowerSwitchServer power;

    private RackFixture(CattlePiApiServer api, PiRack rack, KeyPair clientKey, String privateKeyText,
                        String publicKeyLine, Path privateKeyFile, PowerSwitchServer power) {
        this.power = power;
        this.api = api;
        this.rack = rack;
        this.clientKey = clientKey;
        this.privateKeyText = privateKeyText;
        this.publicKeyLine = publicKeyLine;
        this.privateKeyFile = privateKeyFile;
    }

    public static RackFixture start(int workers, PiTimings timings) throws IOException {
        CattlePiApiServer api = CattlePiApiServer.start();
        try {
            api.addKey(API_KEY, true);
            KeyPair key = newClientKey();
            ByteArrayOutputStream pem = new ByteArrayOutputStream();
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "cattlepi-ci", null, pem);
            String privateText = pem.toString(StandardCharsets.US_ASCII);
            String publicLine = PublicKeyEntry.toString(key.getPublic()) + " cattlepi-ci";
            Path keyFile = Files.createTempFile("cattlepi-ci-key", "");
            Files.writeString(keyFile, privateText);
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            api.serve(RASPBIAN_PATH, "not really a Raspbian image".getBytes(StandardCharsets.UTF_8));
            api.putConfig(API_KEY, "default", workersConfig(api.url() + RASPBIAN_PATH, publicLine));
            PiRack rack = PiRack.start(workers, api.url(), API_KEY, timings);
            PowerSwitchServer power;
            try {
                power = PowerSwitchServer.start(rack);
            } catch (IOException e) {
                rack.close();
                throw e;
            }
            return new RackFixture(api, rack, key, privateText, publicLine, keyFile, power);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            api.close();
            throw e instanceof IOException io ? io : new IOException("cannot set up the simulated rack: " + e.getMessage(), e);
        }
    }

    /** The workers' config as the seed's setup writes it. */
    static ObjectNode workersConfig(String raspbianLocation, String publicKeyLine) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("bootcode", "");
        root.put("usercode", "");
        root.putObject("initfs").put("url", "").put("md5sum", "");
        root.putObject("rootfs").put("url", "").put("md5sum", "");
        ObjectNode config = root.putObject("config");
        config.put("autoupdate", false);
        config.putObject("ssh").putObject("pi").putArray("authorized_keys").add(publicKeyLine);
        config.putObject("standalone").put("raspbian_location", raspbianLocation);
        return root;
    }

    private static KeyPair newClientKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    public CattlePiApiServer api() {
        return api;
    }

    public PiRack rack() {
        return rack;
    }

    /** The rack's power switch: one outlet per Pi. */
    public PowerSwitchServer power() {
        return power;
    }

    public KeyPair clientKey() {
        return clientKey;
    }

    /** The client key in OpenSSH format, as {@code ssh -i} and the build's private HOME take it. */
    public String privateKeyText() {
        return privateKeyText;
    }

    public String publicKeyLine() {
        return publicKeyLine;
    }

    public Path privateKeyFile() {
        return privateKeyFile;
    }

    @Override
    public void close() {
        power.close();
        rack.close();
        api.close();
        try {
            Files.deleteIfExists(privateKeyFile);
        } catch (IOException ignored) {
            // temp file
        }
    }
}
