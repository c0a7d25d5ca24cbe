package io.cattlepi.ci.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential back-off with a ceiling: {@code initial, initial*factor, ...} capped at {@code max}.
 * A value, so a retry loop, a re-probe schedule and an outage back-off all share one rule.
 */
public record Backoff(Duration initial, Duration max, double factor) {
    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial back-off must be positive: " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max back-off " + max + " is below initial " + initial);
        }
        if (factor < 1.0) {
            throw new IllegalArgumentException("back-off factor must be >= 1: " + factor);
        }
    }

    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, 2.0);
    }

    /** A fixed interval, e.g. the seed's "checkout every 10 s". */
    public static Backoff fixed(Duration every) {
        return new Backoff(every, every, 1.0);
    }

    /** Delay before retry number {@code attempt} (0 = the first retry). */
    public Duration delay(int attempt) {
        double millis = initial.toMillis() * Math.pow(factor, Math.max(0, attempt));
        if (millis >= max.toMillis() || Double.isInfinite(millis)) {
            return max;
        }
        return Duration.ofMillis((long) millis);
    }
}
