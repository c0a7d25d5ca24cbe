package io.cattlepi.ci.fleet;

import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Tx;
import java.util.Map;
import java.util.Optional;

/**
 * How many builds in a row each Pi reported under-voltage during: a weak power supply makes
 * builds fail at random, so past a limit the Pi goes to {@code maintenance} rather than on
 * failing builds. Kept in the store (a restart does not forget a streak), counted in the
 * transaction that ends the lease.
 */
public final class UndervoltStreaks {
    private static final String PREFIX = "undervolted-builds:";
    public static final String EVENT = "undervolted";

    private UndervoltStreaks() {
    }

    /**
     * Counts one ended build: a build without under-voltage ends the streak, one whose Pi did not
     * say leaves it as it is. Returns the reason for maintenance when the streak reached
     * {@code limit} (0: never); the streak then starts again from nothing.
     */
    static Optional<String> count(Tx tx, String workerId, VitalsBoard.Strain strain, int limit, String why) {
        if (!strain.known()) {
            return Optional.empty();
        }
        if (!strain.undervolted()) {
            tx.forget(PREFIX + workerId);
            return Optional.empty();
        }
        int n = of(tx, workerId) + 1;
        tx.append(Event.WORKER, workerId, EVENT, "under-voltage during the build (" + n + " in a row): " + why);
        if (limit > 0 && n >= limit) {
            tx.forget(PREFIX + workerId);
            return Optional.of("undervolted in " + n + " builds in a row");
        }
        tx.keep(PREFIX + workerId, Integer.toString(n));
        return Optional.empty();
    }

    /** The Pi's current streak (0: none). */
    public static int of(Tx tx, String workerId) {
        return tx.kept(PREFIX + workerId).map(UndervoltStreaks::number).orElse(0);
    }

    /** Every Pi with a streak, and its length. */
    public static Map<String, Integer> all(Tx tx) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        tx.keptStartingWith(PREFIX).forEach((k, v) -> out.put(k.substring(PREFIX.length()), number(v)));
        return out;
    }

    private static int number(String kept) {
        try {
            return Math.max(0, Integer.parseInt(kept));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
