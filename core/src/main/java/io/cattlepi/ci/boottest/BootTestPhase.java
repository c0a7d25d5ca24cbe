package io.cattlepi.ci.boottest;

import java.util.Locale;

/** Where a build's battery is: the first three are interrupted by a restart, {@code ended} is not. */
public enum BootTestPhase {
    /** Images taken from the build and published; the Pi's device config about to be pointed at them. */
    PREPARING,
    /** The device config points at the images; the Pi is rebooting into them. */
    BOOTING,
    /** The Pi booted the built image; the tests run. */
    TESTING,
    /** A result is known (its status may not be posted yet, its config not yet restored). */
    ENDED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BootTestPhase fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
