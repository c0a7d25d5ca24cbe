package io.cattlepi.ci.build;

import java.util.Locale;

/** A finished build's outcome, named as GitHub's commit status states. */
public enum BuildResult {
    SUCCESS, FAILURE, ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BuildResult fromWire(String name) {
        return name == null ? null : valueOf(name.toUpperCase(Locale.ROOT));
    }
}
