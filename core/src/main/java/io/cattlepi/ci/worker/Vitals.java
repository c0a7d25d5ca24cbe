package io.cattlepi.ci.worker;

import java.time.Instant;
import java.util.Objects;

/**
 * What one reading of a Pi's health said: its throttling flags and its SoC temperature, each null
 * when the Pi did not say (no {@code vcgencmd}, garbage, no answer).
 *
 * @param throttled the flags, or null when unknown
 * @param celsius   the SoC temperature, or null when unknown
 * @param readAt    when it was read
 */
public record Vitals(Throttled throttled, Double celsius, Instant readAt) {
    public Vitals {
        Objects.requireNonNull(readAt, "readAt");
    }

    public static Vitals unknown(Instant at) {
        return new Vitals(null, null, at);
    }

    public boolean known() {
        return throttled != null || celsius != null;
    }
}
