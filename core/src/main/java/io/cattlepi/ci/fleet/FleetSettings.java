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
 * @param undervoltStreak     builds in a row during which a Pi reported under-voltage that send it to
 *                            {@code maintenance} (0: never)
 */
public record FleetSettings(Duration idleProbeInterval, Duration firstReprobe, Duration resetTimeout,
                           int failedResetStreak, Duration commandTimeout, int parallelProbes, int undervoltStreak) {
    public static final int DEFAULT_UNDERVOLT_STREAK = 3;
    /** Production's pacing: the seed's 60 s idle probes, and a reset Pi seen ready within a second of it. */
    public static final FleetSettings DEFAULTS = new FleetSettings(Duration.ofSeconds(60), Duration.ofMillis(250),
            Duration.ofMinutes(20), 3, Duration.ofSeconds(30), 8);

    public FleetSettings {
        if (undervoltStreak < 0) {
            throw new IllegalArgumentException("undervoltStreak must not be negative");
        }
    }

    /** With the default undervoltage streak. */
    public FleetSettings(Duration idleProbeInterval, Duration firstReprobe, Duration resetTimeout,
                         int failedResetStreak, Duration commandTimeout, int parallelProbes) {
        this(idleProbeInterval, firstReprobe, resetTimeout, failedResetStreak, commandTimeout, parallelProbes,
                DEFAULT_UNDERVOLT_STREAK);
    }

    public FleetSettings withIdleProbeInterval(Duration every) {
        return new FleetSettings(every, firstReprobe, resetTimeout, failedResetStreak, commandTimeout, parallelProbes,
                undervoltStreak);
    }

    public FleetSettings withFailedResetStreak(int streak) {
        return new FleetSettings(idleProbeInterval, firstReprobe, resetTimeout, streak, commandTimeout, parallelProbes,
                undervoltStreak);
    }

    public FleetSettings withUndervoltStreak(int builds) {
        return new FleetSettings(idleProbeInterval, firstReprobe, resetTimeout, failedResetStreak, commandTimeout,
                parallelProbes, builds);
    }
}
