package io.cattlepi.ci.simulator.pi;

import java.time.Duration;

/**
 * How long a simulated Pi takes to boot and to re-flash stock Raspbian: sub-second in tests, a
 * few seconds in the demo (a real Pi takes about a minute and several minutes).
 */
public record PiTimings(Duration boot, Duration flash) {
    public static PiTimings fast() {
        return new PiTimings(Duration.ofMillis(150), Duration.ofMillis(150));
    }

    public static PiTimings demo() {
        return new PiTimings(Duration.ofSeconds(3), Duration.ofSeconds(4));
    }
}
