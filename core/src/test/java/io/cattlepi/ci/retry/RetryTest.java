package io.cattlepi.ci.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
    /** A clock that advances only when the retry loop "sleeps". */
    private static final class ManualTime {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        final List<Duration> slept = new ArrayList<>();

        Clock clock() {
            return new Clock() {
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                public Instant instant() {
                    return now;
                }
            };
        }

        Sleeper sleeper() {
            return d -> {
                slept.add(d);
                now = now.plus(d);
            };
        }
    }

    @Test
    void backoffDoublesUpToTheCeiling() {
        Backoff b = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertEquals(List.of(1L, 2L, 4L, 5L, 5L),
                List.of(b.delay(0), b.delay(1), b.delay(2), b.delay(3), b.delay(40)).stream()
                        .map(Duration::toSeconds).toList());
    }

    @Test
    void succeedsAfterTransientFailures() throws Exception {
        ManualTime t = new ManualTime();
        AtomicInteger calls = new AtomicInteger();
        String result = Retry.of(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(8)), 5, t.clock(), t.sleeper())
                .run(() -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IOException("down");
                    }
                    return "ok";
                });
        assertEquals("ok", result);
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), t.slept);
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastError() {
        ManualTime t = new ManualTime();
        AtomicInteger calls = new AtomicInteger();
        IOException e = assertThrows(IOException.class, () ->
                Retry.of(Backoff.fixed(Duration.ofSeconds(1)), 3, t.clock(), t.sleeper())
                        .run(() -> {
                            throw new IOException("attempt " + calls.incrementAndGet());
                        }));
        assertEquals("attempt 3", e.getMessage());
    }

    @Test
    void windowBoundsTheSeedsCheckoutRetry() {
        ManualTime t = new ManualTime();
        AtomicInteger calls = new AtomicInteger();
        assertThrows(IOException.class, () ->
                Retry.of(Backoff.fixed(Duration.ofSeconds(10)), Integer.MAX_VALUE, t.clock(), t.sleeper())
                        .within(Duration.ofSeconds(600))
                        .run(() -> {
                            calls.incrementAndGet();
                            throw new IOException("not fetchable yet");
                        }));
        assertEquals(60, calls.get());
    }

    @Test
    void nonRetryableErrorsStopAtOnce() {
        ManualTime t = new ManualTime();
        AtomicInteger calls = new AtomicInteger();
        assertThrows(IllegalStateException.class, () ->
                Retry.of(Backoff.fixed(Duration.ofSeconds(1)), 10, t.clock(), t.sleeper())
                        .retryingOn(e -> e instanceof IOException)
                        .run(() -> {
                            calls.incrementAndGet();
                            throw new IllegalStateException("bad request");
                        }));
        assertEquals(1, calls.get());
    }
}
