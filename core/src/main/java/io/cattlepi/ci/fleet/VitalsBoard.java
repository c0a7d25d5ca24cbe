package io.cattlepi.ci.fleet;

import io.cattlepi.ci.worker.Throttled;
import io.cattlepi.ci.worker.Vitals;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest health reading of each Pi, for the rack page, the API and {@code /metrics}, and what
 * each running build's Pi went through ({@link #watch}, {@link #endWatch}). Kept in memory only:
 * every probe reads it again, so a restarted controller shows it again within one probe of each
 * Pi. (What must survive a restart, the undervoltage streaks, is in the store.)
 */
public final class VitalsBoard {
    private final Map<String, Vitals> latest = new ConcurrentHashMap<>();
    private final Map<String, Window> watched = new ConcurrentHashMap<>();

    /** A reading from a Pi that answered; unknown values replace known ones (the Pi stopped saying). */
    public void record(String workerId, Vitals reading) {
        latest.merge(workerId, reading, (old, now) -> now.readAt().isBefore(old.readAt()) ? old : now);
        watched.computeIfPresent(workerId, (k, w) -> w.with(reading.throttled()));
    }

    public Optional<Vitals> latest(String workerId) {
        return Optional.ofNullable(latest.get(workerId));
    }

    /** Every Pi's latest reading, by Pi. */
    public Map<String, Vitals> all() {
        return new TreeMap<>(latest);
    }

    /**
     * A build starts on this Pi: from now on its readings are collected. What the firmware says has
     * occurred since boot already in the last reading before is not the build's, until a reboot
     * clears it.
     */
    public void watch(String workerId) {
        Vitals before = latest.get(workerId);
        int baseline = before == null || before.throttled() == null ? 0 : before.throttled().occurred();
        watched.put(workerId, new Window(baseline, 0, false));
    }

    /** The build on this Pi ended: what its readings flagged since {@link #watch}. */
    public Strain endWatch(String workerId) {
        Window w = watched.remove(workerId);
        return w == null || !w.known() ? Strain.UNKNOWN : new Strain(w.flagged(), true);
    }

    /** Readings of one build's Pi so far; {@code baseline}: flags of an earlier boot's or before the build. */
    private record Window(int baseline, int flagged, boolean known) {
        Window with(Throttled t) {
            if (t == null) {
                return this;
            }
            // Since-boot flags that vanished mean a new boot: from then on every flag is the build's.
            int base = (t.occurred() & baseline) == baseline ? baseline : 0;
            return new Window(base, flagged | t.now() | (t.occurred() & ~base), true);
        }
    }

    /**
     * What a Pi's firmware flagged while one build ran on it, as {@link Throttled} masks.
     *
     * @param known whether any reading during the build said (no vcgencmd, or no answer: unknown)
     */
    public record Strain(int flagged, boolean known) {
        public static final Strain UNKNOWN = new Strain(0, false);
        /** What slows a Pi down: throttled, its ARM frequency capped, the soft temperature limit. */
        private static final int SLOWED = Throttled.THROTTLED | Throttled.FREQUENCY_CAPPED | Throttled.SOFT_TEMP_LIMIT;

        public boolean undervolted() {
            return (flagged & Throttled.UNDER_VOLTAGE) != 0;
        }

        public boolean throttled() {
            return (flagged & SLOWED) != 0;
        }

        /** What a commit status adds: {@code "; Pi undervolted, throttled"}, or "" when nothing was flagged. */
        public String statusSuffix() {
            if (!undervolted() && !throttled()) {
                return "";
            }
            return "; Pi " + (undervolted() ? "undervolted" : "") + (undervolted() && throttled() ? ", " : "")
                    + (throttled() ? "throttled" : "");
        }

        /** The build log's line about it, or null when nothing was flagged. */
        public String logLine(String workerId) {
            if (flagged == 0) {
                return null;
            }
            return "Pi " + workerId + " reported " + Throttled.describe(flagged) + " during this build"
                    + " (vcgencmd get_throttled); a build on such a Pi may fail for that alone:"
                    + " check the Pi's power supply and cooling";
        }
    }
}
