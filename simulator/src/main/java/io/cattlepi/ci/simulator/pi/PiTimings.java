package io.cattlepi.ci.simulator.pi;

import java.time.Duration;

/**
 * How long a simulated Pi takes to boot and to re-flash stock Raspbian, and how long one of
 * {@code shutdown -r +N}'s minutes lasts: sub-second in tests, a few seconds in the demo (a real Pi
 * takes about a minute to boot, several to re-flash, and a minute is a minute).
 */
public record PiTimings(Duration boot, Duration flash, Duration minute) {
    /** With a one-second minute. */
    public PiTimings(Duration boot, Duration flash) {
        this(boot, flash, Duration.ofSeconds(1));
    }

    public static PiTimings fast() {
        return new PiTimings(Duration.ofMillis(150), Duration.ofMillis(150), Duration.ofSeconds(1));
    }

    public static PiTimings demo() {
        return new PiTimings(Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(5));
    }
}
