package io.cattlepi.ci.retry;

import java.time.Duration;

/** Waits; injected so retry loops are driven by tests without real time passing. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    /** The real one: blocks the calling thread. */
    Sleeper SYSTEM = duration -> {
        if (!duration.isNegative() && !duration.isZero()) {
            Thread.sleep(duration.toMillis());
        }
    };
}
