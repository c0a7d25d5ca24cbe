package io.cattlepi.ci.cattlepi;

import java.time.Instant;

/** One entry of a device's {@code /track/{id}} log on the CattlePi API. */
public record TrackEvent(Instant at, String info) {
}
