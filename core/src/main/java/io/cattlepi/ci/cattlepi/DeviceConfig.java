package io.cattlepi.ci.cattlepi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A CattlePi device config, typed where the controller reads or writes it and untouched
 * everywhere else: it wraps the JSON tree, so unknown fields survive a read-modify-write as they
 * were. The base64 fields ({@code bootcode}, {@code usercode}) are decoded and encoded here only.
 */
public final class DeviceConfig {
    /** One boot image: where the Pi downloads it and the md5sum it must have. */
    public record Image(String url, String md5sum) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode tree;

    private DeviceConfig(ObjectNode tree) {
        this.tree = tree;
    }

    /** Parses a config as the API returns it; a body that is not a device config names what is wrong. */
    public static DeviceConfig parse(byte[] body) throws InvalidConfigException {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            throw new InvalidConfigException("not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidConfigException("not a JSON object");
        }
        for (String field : List.of("bootcode", "usercode")) {
            JsonNode v = node.get(field);
            if (v != null && !v.isTextual()) {
                throw new InvalidConfigException(field + " is not a string");
            }
        }
        for (String field : List.of("initfs", "rootfs", "config")) {
            JsonNode v = node.get(field);
            if (v != null && !v.isObject() && !(v.isTextual() && v.asText().isEmpty())) {
                throw new InvalidConfigException(field + " is not an object");
            }
        }
        DeviceConfig c = new DeviceConfig((ObjectNode) node);
        c.authorizedKeys(); // validates the shape
        return c;
    }

    public byte[] toBytes() {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    public DeviceConfig copy() {
        return new DeviceConfig(tree.deepCopy());
    }

    public String bootcode() {
        return decoded("bootcode");
    }

    public void bootcode(String script) {
        tree.put("bootcode", encode(script));
    }

    public String usercode() {
        return decoded("usercode");
    }

    public void usercode(String script) {
        tree.put("usercode", encode(script));
    }

    public Optional<Image> initfs() {
        return image("initfs");
    }

    public Optional<Image> rootfs() {
        return image("rootfs");
    }

    public void images(ImagePackage p) {
        tree.putObject("initfs").put("url", p.initfsUrl()).put("md5sum", p.initfsMd5());
        tree.putObject("rootfs").put("url", p.rootfsUrl()).put("md5sum", p.rootfsMd5());
    }

    public boolean autoupdate() {
        return config().path("autoupdate").asBoolean(false);
    }

    /** {@code config.ssh.pi.authorized_keys}. */
    public List<String> authorizedKeys() throws InvalidConfigException {
        JsonNode keys = config().path("ssh").path("pi").path("authorized_keys");
        if (keys.isMissingNode() || keys.isNull()) {
            return List.of();
        }
        if (!keys.isArray()) {
            throw new InvalidConfigException("config.ssh.pi.authorized_keys is not a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode k : keys) {
            if (!k.isTextual()) {
                throw new InvalidConfigException("config.ssh.pi.authorized_keys holds a non-string");
            }
            out.add(k.asText());
        }
        return out;
    }

    public void authorizedKeys(List<String> keys) {
        ObjectNode pi = objectAt(objectAt(configObject(), "ssh"), "pi");
        ArrayNode list = pi.putArray("authorized_keys");
        keys.forEach(list::add);
    }

    /** {@code config.standalone.raspbian_location}: where a reset downloads stock Raspbian from. */
    public Optional<String> raspbianLocation() {
        JsonNode v = config().path("standalone").path("raspbian_location");
        return v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }

    public void raspbianLocation(String url) {
        objectAt(configObject(), "standalone").put("raspbian_location", url);
    }

    /** {@code config.buildcontrol} as raw JSON (the config package parses it). */
    public Optional<JsonNode> buildcontrol() {
        JsonNode v = config().get("buildcontrol");
        return Optional.ofNullable(v);
    }

    private JsonNode config() {
        return tree.path("config");
    }

    private ObjectNode configObject() {
        return objectAt(tree, "config");
    }

    private static ObjectNode objectAt(ObjectNode parent, String field) {
        JsonNode v = parent.get(field);
        if (v instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(field);
    }

    private Optional<Image> image(String field) {
        JsonNode v = tree.path(field);
        if (!v.path("url").isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new Image(v.path("url").asText(), v.path("md5sum").asText("")));
    }

    private String decoded(String field) {
        JsonNode v = tree.get(field);
        if (v == null || !v.isTextual()) {
            return "";
        }
        try {
            return new String(Base64.getMimeDecoder().decode(v.asText()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
