package io.cattlepi.ci.worker;

import java.time.Instant;
import java.util.Objects;

/**
 * One Pi of the rack as the controller remembers it: where to reach it, its state and why, the
 * build that holds it, the host key pinned for its current boot and its health.
 *
 * @param stateSince when it entered {@code state}
 * @param lastAction when the controller last acted on it (probe result, reset, lease)
 * @param buildId    the build that leased it, or null
 * @param hostKey    fingerprint pinned for the current boot, or null when not yet seen
 */
public record Worker(String id, String host, int port, String mac, WorkerState state, Instant stateSince,
                     String reason, Instant lastAction, String buildId, String hostKey, Health health) {
    public Worker {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(stateSince, "stateSince");
        Objects.requireNonNull(health, "health");
        reason = reason == null ? "" : reason;
    }

    /** A Pi the controller has never seen: {@code unknown} until the first probe. */
    public static Worker discovered(String id, String host, int port, String mac, Instant now) {
        return new Worker(id, host, port, mac, WorkerState.UNKNOWN, now, "added to the rack", now, null, null, Health.NEW);
    }

    public Worker moveTo(WorkerState next, String why, Instant now) {
        String keepBuild = next.isLeased() ? buildId : null;
        return new Worker(id, host, port, mac, next, now, why, now, keepBuild, hostKey, health);
    }

    public Worker leasedTo(String build, WorkerState leaseState, Instant now) {
        return new Worker(id, host, port, mac, leaseState, now, "leased to build " + build, now, build, hostKey, health);
    }

    public Worker withHostKey(String fingerprint) {
        return new Worker(id, host, port, mac, state, stateSince, reason, lastAction, buildId, fingerprint, health);
    }

    public Worker withHealth(Health h) {
        return new Worker(id, host, port, mac, state, stateSince, reason, lastAction, buildId, hostKey, h);
    }

    public Worker touched(Instant now) {
        return new Worker(id, host, port, mac, state, stateSince, reason, now, buildId, hostKey, health);
    }
}
