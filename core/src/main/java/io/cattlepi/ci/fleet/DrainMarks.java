package io.cattlepi.ci.fleet;

import io.cattlepi.ci.store.Tx;
import java.util.Map;
import java.util.Optional;

/**
 * A drain asked for while the Pi runs a build: the build is never taken away, so the Pi is
 * marked, and goes to {@code maintenance} instead of reset when its lease ends. Kept in the store,
 * so a restart in between keeps the operator's word.
 */
public final class DrainMarks {
    private static final String PREFIX = "drain:";

    private DrainMarks() {
    }

    static void mark(Tx tx, String workerId, String reason) {
        tx.keep(PREFIX + workerId, reason);
    }

    /** The reason of the Pi's drain mark, if it has one. */
    public static Optional<String> of(Tx tx, String workerId) {
        return tx.kept(PREFIX + workerId);
    }

    /** Removes the mark; returns its reason if there was one. */
    public static Optional<String> take(Tx tx, String workerId) {
        Optional<String> reason = of(tx, workerId);
        reason.ifPresent(r -> tx.forget(PREFIX + workerId));
        return reason;
    }

    /** Every marked Pi and its reason (the rack page, the API). */
    public static Map<String, String> all(Tx tx) {
        Map<String, String> out = new java.util.TreeMap<>();
        tx.keptStartingWith(PREFIX).forEach((k, v) -> out.put(k.substring(PREFIX.length()), v));
        return out;
    }
}
