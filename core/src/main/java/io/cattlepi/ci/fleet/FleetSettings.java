package io.cattlepi.ci.fleet;

import java.time.Duration;

/**
 * How the fleet monitor paces itself.
 *
 * @param idleProbeInterval   how often a {@code ready} or dead Pi is re-probed (the seed's 60 s)
 * @param firstReprobe        first re-probe after a reset; doubles up to {@code idleProbeInterval}
 * @param resetTimeout        how long a reset may take to reach stock before it counts as failed
 * @param failedResetStreak   failed resets in a row that send a Pi to {@code maintenance}
 * @param commandTimeout      timeout of one probe or reset command
 * @param parallelProbes      probes and resets running at once
 */
public record FleetSettings(Duration idleProbeInterval, Duration firstReprobe, Duration resetTimeout,
                           int failedResetStreak, Duration commandTimeout, int parallelProbes) {
    public static FleetSettings defaults() {
        return new FleetSettings(Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(20), 3,
                Duration.ofSeconds(30), 8);
    }
}
