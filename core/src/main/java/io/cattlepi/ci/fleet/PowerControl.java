package io.cattlepi.ci.fleet;

import java.time.Duration;
import java.util.Objects;

/**
 * What the fleet may do with the Pis' power: switch a Pi off and on ({@link Switch}), when (a Pi
 * watched but not answering for {@code cycleAfter}) and how often (at most {@code perHour} cycles
 * of one Pi in an hour; past that it goes to {@code maintenance}).
 */
public record PowerControl(Switch power, Duration cycleAfter, int perHour) {
    /** No Pi's power is controlled: a dead Pi waits for someone at the rack, as in the seed. */
    public static final PowerControl NONE = new PowerControl(new Switch() {
        @Override
        public boolean controls(String workerId) {
            return false;
        }

        @Override
        public String cycle(String workerId) throws Failed {
            throw new Failed("no power commands are configured for Pi " + workerId);
        }
    }, Duration.ofMinutes(5), 0);

    public PowerControl {
        Objects.requireNonNull(power, "power");
        Objects.requireNonNull(cycleAfter, "cycleAfter");
        if (perHour < 0) {
            throw new IllegalArgumentException("perHour must not be negative");
        }
    }

    /** Switches one Pi's power. */
    public interface Switch {
        /** Whether this Pi's power can be switched (its power commands are configured). */
        boolean controls(String workerId);

        /** Switches the Pi off, waits, and on again; returns what the commands said. */
        String cycle(String workerId) throws Failed;
    }

    /** A power command that failed, timed out or could not start; the message says which and why. */
    public static final class Failed extends Exception {
        public Failed(String message) {
            super(message);
        }
    }
}
