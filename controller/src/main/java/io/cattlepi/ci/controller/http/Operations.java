package io.cattlepi.ci.controller.http;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.worker.Worker;
import java.nio.file.Path;
import java.util.Optional;

/** What the HTTP layer may ask of the running controller besides reading the store. */
public interface Operations {
    Worker drain(String workerId, String reason);

    Worker undrain(String workerId);

    /** Takes a Pi out of the rack for good; {@link #undrain} brings it back. */
    Worker retire(String workerId, String reason);

    /** Switches a Pi off and on through its power commands (asynchronously); refused while it runs a build. */
    default Worker powerCycle(String workerId, String reason) {
        throw new UnsupportedOperationException("power control is not available on this server");
    }

    /** Whether the Pi's power commands are configured. */
    default boolean powerControlled(String workerId) {
        return false;
    }

    /** Queues a new build of the same commit; returns it. */
    Build retry(String buildId);

    /**
     * Cancels a build (see {@code Engine.cancel}); {@code by} and {@code reason} are the operator's
     * words for its description, either may be null. Returns {@code ended} (it had not started),
     * {@code asked} (it is being stopped) or {@code already-over}.
     */
    String cancel(String buildId, String by, String reason);

    /** Starts the weekly release build now; returns the queued build. */
    Build autobuildNow();

    /**
     * The workers' CattlePi config as it is now becomes the approved one (an operator changed it on
     * purpose); returns false when the controller does not manage it (no raspbian_location).
     */
    boolean approveWorkersConfig() throws Exception;

    /** The build's log file on this host, if it has one. */
    Optional<Path> logOf(String buildId);

    /** The labels a Pi carries (what builds may require of it), as configured. */
    default java.util.Set<String> labelsOf(String workerId) {
        return java.util.Set.of();
    }

    /** Configuration choices every page must warn about (e.g. host keys not checked). */
    default java.util.List<String> warnings() {
        return java.util.List.of();
    }

    /** Public URL of the build's S3 index page, if known. */
    Optional<String> publishedIndex(String buildId);
}
