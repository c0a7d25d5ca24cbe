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
    /**
     * What decides what runs on every Pi at boot: the initramfs's {@code bootcode} and the root
     * {@code usercode}, the images booted, the keys let in over SSH and the Raspbian a reset flashes.
     */
    private static final List<String> BOOT_FIELDS = List.of("bootcode", "usercode", "initfs", "rootfs");
    private static final List<String> BOOT_CONFIG_FIELDS = List.of("ssh", "standalone");
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

    /** A copy of the fields that decide what a Pi runs at boot, keyed by name (absent ones null). */
    public ObjectNode bootFields() {
        ObjectNode out = JSON.createObjectNode();
        for (String f : BOOT_FIELDS) {
            out.set(f, tree.has(f) ? tree.get(f).deepCopy() : null);
        }
        JsonNode config = tree.path("config");
        for (String f : BOOT_CONFIG_FIELDS) {
            out.set("config." + f, config.has(f) ? config.get(f).deepCopy() : null);
        }
        return out;
    }

    /** Puts back boot fields taken by {@link #bootFields()}; every other field stays as it is. */
    public void restoreBootFields(ObjectNode fields) {
        fields.fields().forEachRemaining(e -> {
            String name = e.getKey();
            ObjectNode target = tree;
            if (name.startsWith("config.")) {
                if (!tree.path("config").isObject()) {
                    tree.putObject("config");
                }
                target = (ObjectNode) tree.get("config");
                name = name.substring("config.".length());
            }
            if (e.getValue() == null || e.getValue().isNull()) {
                target.remove(name);
            } else {
                target.set(name, e.getValue().deepCopy());
            }
        });
    }

    /** The boot fields whose values differ between two snapshots. */
    public static List<String> changedBootFields(ObjectNode before, ObjectNode after) {
        List<String> changed = new ArrayList<>();
        java.util.Set<String> names = new java.util.TreeSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            if (!before.path(n).equals(after.path(n))) {
                changed.add(n);
            }
        }
        return changed;
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
