package io.cattlepi.ci.fleet;

import io.cattlepi.ci.worker.Vitals;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest health reading of each Pi, for the rack page, the API and {@code /metrics}. Kept in
 * memory only: every probe reads it again, so a restarted controller shows it again within one
 * probe of each Pi. (What must survive a restart, the undervoltage streaks, is in the store.)
 */
public final class VitalsBoard {
    private final Map<String, Vitals> latest = new ConcurrentHashMap<>();

    /** A reading from a Pi that answered; unknown values replace known ones (the Pi stopped saying). */
    public void record(String workerId, Vitals reading) {
        latest.merge(workerId, reading, (old, now) -> now.readAt().isBefore(old.readAt()) ? old : now);
    }

    public Optional<Vitals> latest(String workerId) {
        return Optional.ofNullable(latest.get(workerId));
    }

    /** Every Pi's latest reading, by Pi. */
    public Map<String, Vitals> all() {
        return new TreeMap<>(latest);
    }
}
