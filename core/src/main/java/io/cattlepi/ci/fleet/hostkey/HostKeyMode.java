package io.cattlepi.ci.fleet.hostkey;

import java.util.Arrays;
import java.util.List;

/** The configured {@code host_key_policy}: which {@link HostKeyPolicy} guards the Pis' identity. */
public enum HostKeyMode {
    PER_BOOT("per-boot"), TRACK("track"), OFF("off");

    private final String wireName;

    HostKeyMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(HostKeyMode::wireName).toList();
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static HostKeyMode fromWire(String name) {
        for (HostKeyMode m : values()) {
            if (m.wireName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("must be one of " + String.join(", ", wireNames()) + ", got \"" + name + "\"");
    }
}
