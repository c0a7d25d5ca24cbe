package io.cattlepi.ci.sandbox;

import java.util.Arrays;
import java.util.List;

/** The configured {@code build_sandbox}: how a build's processes are kept away from the controller. */
public enum SandboxKind {
    /** Debian's bubblewrap: mount, PID, IPC and user namespaces (the default). */
    BUBBLEWRAP("bubblewrap"),
    /** No isolation: the recipe runs as the controller's user and can read its secrets. Only on request. */
    OFF("off");

    private final String wireName;

    SandboxKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static SandboxKind fromWire(String name) {
        for (SandboxKind k : values()) {
            if (k.wireName.equals(name)) {
                return k;
            }
        }
        List<String> names = Arrays.stream(values()).map(SandboxKind::wireName).toList();
        throw new IllegalArgumentException("must be one of " + String.join(", ", names) + ", got \"" + name + "\"");
    }
}
