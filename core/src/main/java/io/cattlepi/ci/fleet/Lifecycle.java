package io.cattlepi.ci.fleet;

import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.time.Duration;
import java.time.Instant;

/**
 * The worker state machine as pure rules: given a Pi's record and what a probe saw, what it
 * becomes and whether it must be reset. No I/O here; the monitor acts on the decision.
 *
 * <p>The seed's rules, kept: unknown+alive → reset, rebuild; rebuild+alive+stock → ready;
 * ready+dead → unknown. Added: a reset that does not reach stock within the timeout is a failed
 * reset, and a streak of them sends the Pi to maintenance; a rejected host key sends it to
 * maintenance at once.
 *
 * <p>Host keys (per-boot policy): none is pinned while a Pi is unknown or rebuilding, since it
 * reboots then; the key of the boot that reached stock is pinned and enforced while ready.
 */
public final class Lifecycle {
    /** What to do with a Pi. */
    public enum Action { NONE, RESET }

    /** The outcome of one observation. */
    public record Decision(Worker next, Action action) {
    }

    private final FleetSettings settings;

    public Lifecycle(FleetSettings settings) {
        this.settings = settings;
    }

    public Decision decide(Worker w, Observation seen, Instant now) {
        if (w.state().isLeased() || w.state() == WorkerState.MAINTENANCE || w.state() == WorkerState.RETIRED) {
            return new Decision(w, Action.NONE);
        }
        if (seen.hostKeyRejected()) {
            return new Decision(w.moveTo(WorkerState.MAINTENANCE, seen.failure(), now), Action.NONE);
        }
        return switch (w.state()) {
            case UNKNOWN -> seen.alive()
                    ? new Decision(startReset(w, "alive after being unknown: resetting to stock", now), Action.RESET)
                    : new Decision(w.touched(now), Action.NONE);
            case REBUILD -> rebuilding(w, seen, now);
            case READY -> seen.alive()
                    ? new Decision(w.touched(now), Action.NONE)
                    : new Decision(lostContact(w, "not answering: " + seen.failure(), now), Action.NONE);
            default -> new Decision(w, Action.NONE);
        };
    }

    private Decision rebuilding(Worker w, Observation seen, Instant now) {
        if (seen.alive() && seen.onStock()) {
            long took = Duration.between(w.stateSince(), now).toMillis();
            // A reset reboots the Pi twice (CattlePi image, then stock), so the key is pinned only
            // now, on the final stock boot, and enforced while it is ready.
            Worker ready = w.moveTo(WorkerState.READY, "back on stock Raspbian", now)
                    .withHostKey(seen.hostKey())
                    .withHealth(w.health().reachedReady(took));
            return new Decision(ready, Action.NONE);
        }
        if (Duration.between(w.stateSince(), now).compareTo(settings.resetTimeout()) < 0) {
            return new Decision(w, Action.NONE); // still rebooting or flashing
        }
        Worker failed = w.withHealth(w.health().resetFailed());
        String why = "reset did not reach stock within " + settings.resetTimeout().toSeconds() + " s"
                + (seen.alive() ? " (still not on stock)" : " (" + seen.failure() + ")");
        if (failed.health().consecutiveFailures() >= settings.failedResetStreak()) {
            return new Decision(failed.moveTo(WorkerState.MAINTENANCE,
                    why + "; " + failed.health().consecutiveFailures() + " failed resets in a row", now), Action.NONE);
        }
        // Alive but not on stock: try again. Not answering (a boot loop, a dead SD card): keep
        // waiting in rebuild with a fresh timer, so the streak counts and ends in maintenance.
        return seen.alive()
                ? new Decision(startReset(failed, why + ": resetting again", now), Action.RESET)
                : new Decision(failed.moveTo(WorkerState.REBUILD, why + ": waiting for it to come back", now)
                        .withHostKey(null), Action.NONE);
    }

    /** A reset reboots the Pi: its next boot brings a new host key, so the pin is cleared. */
    public static Worker startReset(Worker w, String why, Instant now) {
        return w.moveTo(WorkerState.REBUILD, why, now).withHostKey(null).withHealth(w.health().resetStarted());
    }

    /** An outage is an observed reboot: the next key is pinned afresh. */
    public static Worker lostContact(Worker w, String why, Instant now) {
        return w.moveTo(WorkerState.UNKNOWN, why, now).withHostKey(null);
    }
}
