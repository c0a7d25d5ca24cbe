package io.cattlepi.ci.controller.http.svg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DurationsTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void lengthsReadAsPeopleSayThem() {
        assertEquals("850 ms", Durations.length(Duration.ofMillis(850)));
        assertEquals("5.1 s", Durations.length(Duration.ofMillis(5140)));
        assertEquals("42 s", Durations.length(Duration.ofSeconds(42)));
        assertEquals("3 min 12 s", Durations.length(Duration.ofSeconds(192)));
        assertEquals("2 h 5 min", Durations.length(Duration.ofMinutes(125)));
        assertEquals("3 d 1 h", Durations.length(Duration.ofHours(73)));
        assertEquals("0 ms", Durations.length(Duration.ofSeconds(-3)), "never a negative length");
    }

    @Test
    void aFinishedBuildSaysWhenAndHowLong() {
        Build queued = Build.queued("b-1", "o/r", "abc", "refs/heads/main", null, "u", "push", "d", "m", "r",
                NOW.minusSeconds(30));
        assertEquals("queued 30 s ago", Durations.of(queued, NOW));
        Build started = queued.scheduledOn("pi-1").started(NOW.minusMillis(9100));
        assertEquals("running for 9 s", Durations.of(started, NOW));
        Build done = started.finished(BuildResult.SUCCESS, "all 2 steps passed", NOW.minusMillis(4000));
        assertEquals("4 s ago, took 5.1 s", Durations.of(done, NOW));
    }

    @Test
    void aClockALittleAheadSaysJustNow() {
        assertEquals("just now", Durations.ago(NOW.plusSeconds(2), NOW));
    }
}
