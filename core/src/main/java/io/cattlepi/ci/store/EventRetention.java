package io.cattlepi.ci.store;

import java.time.Duration;

/**
 * How long the audit trail keeps its events, so it cannot grow without bound: none older than
 * {@code maxAge}, and no more than the newest {@code maxEvents}.
 */
public record EventRetention(Duration maxAge, int maxEvents) {
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(90);
    public static final int DEFAULT_MAX_EVENTS = 100_000;
    public static final EventRetention DEFAULTS = new EventRetention(DEFAULT_MAX_AGE, DEFAULT_MAX_EVENTS);
    /** How often the controller prunes. */
    public static final Duration EVERY = Duration.ofHours(1);

    public EventRetention {
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("event retention must be a positive duration: " + maxAge);
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("at least one event must be kept: " + maxEvents);
        }
    }

    /** Prunes now; returns how many events went. */
    public int prune(Store store) {
        return store.write(tx -> tx.pruneEvents(tx.now().minus(maxAge), maxEvents));
    }
}
