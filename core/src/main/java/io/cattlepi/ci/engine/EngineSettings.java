package io.cattlepi.ci.engine;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the engine paces itself.
 *
 * @param workspaces        root of the per-build folders
 * @param statusContext     GitHub status context ("cattlepi-ci")
 * @param publicUrl         the controller UI's base URL for status links, or null to link the S3 index
 * @param visibilityTimeout how long a received message stays invisible per heartbeat
 * @param logUploadEvery    how often a running build's log is re-published
 * @param receiveWait       SQS long-poll wait
 * @param maxRuns           how often a build interrupted by a controller restart is run in all
 * @param settleAttempts    attempts to post a final status / delete a message before giving up
 */
public record EngineSettings(Path workspaces, String statusContext, String publicUrl, Duration visibilityTimeout,
                             Duration logUploadEvery, Duration receiveWait, int maxRuns, int settleAttempts) {
    public static final String DEFAULT_STATUS_CONTEXT = "cattlepi-ci";
    public static final Duration DEFAULT_VISIBILITY = Duration.ofMinutes(5);
    public static final Duration LOG_UPLOAD_EVERY = Duration.ofSeconds(5);
    /** SQS's longest long poll. */
    public static final Duration RECEIVE_WAIT = Duration.ofSeconds(20);
    public static final int MAX_RUNS = 2;
    public static final int SETTLE_ATTEMPTS = 40;

    /** The production pacing around the given folders, context, link base and visibility. */
    public static EngineSettings of(Path workspaces, String statusContext, String publicUrl, Duration visibilityTimeout) {
        return new EngineSettings(workspaces, statusContext, publicUrl, visibilityTimeout, LOG_UPLOAD_EVERY,
                RECEIVE_WAIT, MAX_RUNS, SETTLE_ATTEMPTS);
    }
}
