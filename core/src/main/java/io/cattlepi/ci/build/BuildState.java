package io.cattlepi.ci.build;

import java.util.Locale;

/**
 * The phases of a build. Each phase is durable, so a controller that restarts knows what is
 * left to do: a {@code finishing} build still owes its final status, upload or message deletion.
 */
public enum BuildState {
    /** An outsider's pull request, stored until a maintainer approves it (the ok-to-test label). */
    WAITING,
    /** Accepted and waiting for a Pi. */
    QUEUED,
    /** Bound to a Pi in the same transaction that leased it. */
    SCHEDULED,
    /** Checkout and steps under way. */
    RUNNING,
    /** Result known; final status, upload and SQS deletion still to be done. */
    FINISHING,
    /** Everything reported; nothing left to do. */
    DONE,
    /** Invalid input, never built (the reason says why). */
    REJECTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BuildState fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public boolean isActive() {
        return this == WAITING || this == QUEUED || this == SCHEDULED || this == RUNNING || this == FINISHING;
    }
}
