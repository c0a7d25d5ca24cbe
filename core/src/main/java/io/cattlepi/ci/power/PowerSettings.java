package io.cattlepi.ci.power;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The rack's power control as configured.
 *
 * @param commands       each controlled Pi's commands, placeholders filled in; Pis not here are not controlled
 * @param cycleAfter     how long a watched Pi may not answer before it is power-cycled
 * @param perHour        cycles of one Pi allowed in an hour; past that it goes to maintenance
 * @param offFor         how long a Pi stays off in a cycle (capacitors drain, a PoE port re-negotiates)
 * @param commandTimeout the limit of one power command
 */
public record PowerSettings(Map<String, PowerCommands> commands, Duration cycleAfter, int perHour, Duration offFor,
                            Duration commandTimeout) {
    public static final Duration DEFAULT_CYCLE_AFTER = Duration.ofMinutes(5);
    public static final int DEFAULT_PER_HOUR = 3;
    public static final Duration DEFAULT_OFF_FOR = Duration.ofSeconds(5);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /** No power control. */
    public static final PowerSettings NONE = new PowerSettings(Map.of(), DEFAULT_CYCLE_AFTER, DEFAULT_PER_HOUR,
            DEFAULT_OFF_FOR, DEFAULT_COMMAND_TIMEOUT);

    public PowerSettings {
        commands = Map.copyOf(commands);
        Objects.requireNonNull(cycleAfter, "cycleAfter");
        Objects.requireNonNull(offFor, "offFor");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
    }
}
