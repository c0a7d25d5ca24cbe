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
    /** Production's pacing: the seed's 60 s idle probes, and a reset Pi seen ready within a second of it. */
    public static final FleetSettings DEFAULTS = new FleetSettings(Duration.ofSeconds(60), Duration.ofMillis(250),
            Duration.ofMinutes(20), 3, Duration.ofSeconds(30), 8);

    public FleetSettings withIdleProbeInterval(Duration every) {
        return new FleetSettings(every, firstReprobe, resetTimeout, failedResetStreak, commandTimeout, parallelProbes);
    }

    public FleetSettings withFailedResetStreak(int streak) {
        return new FleetSettings(idleProbeInterval, firstReprobe, resetTimeout, streak, commandTimeout, parallelProbes);
    }
}
