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
    public static EngineSettings defaults(Path workspaces) {
        return new EngineSettings(workspaces, "cattlepi-ci", null, Duration.ofMinutes(5), Duration.ofSeconds(5),
                Duration.ofSeconds(20), 2, 40);
    }
}
