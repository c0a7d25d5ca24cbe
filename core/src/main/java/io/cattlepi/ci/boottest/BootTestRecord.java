package io.cattlepi.ci.boottest;

import io.cattlepi.ci.build.BuildResult;
import java.time.Instant;
import java.util.Objects;

/**
 * One build's battery as the store keeps it: what it changed on the CattlePi API (so a restarted
 * controller puts it back), where it is, its result and which of its statuses GitHub has.
 *
 * @param device           the CattlePi device id (the Pi's MAC) whose own config the battery changes
 * @param configChanged    the device's config is (or may be) pointed at the images: set before the change
 * @param savedConfig      the device's own config before the change, or null when it had none (restored by deleting)
 * @param restored         nothing of the battery is left on the CattlePi API
 * @param buildResult      the build's own outcome (its steps passed), kept for a restart mid-battery
 * @param postedStatus     the last state posted on the battery's context, or null
 * @param imageRef         where the images were published (for taking them down), or null
 */
public record BootTestRecord(String buildId, String workerId, String device, String context, BootTestPhase phase,
                             boolean configChanged, String savedConfig, boolean restored, BuildResult buildResult,
                             String buildDescription, BuildResult result, String description, int passed, int failed,
                             String postedStatus, String imageRef, Instant startedAt, Instant finishedAt) {
    public BootTestRecord {
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(buildResult, "buildResult");
        Objects.requireNonNull(startedAt, "startedAt");
        device = device == null ? "" : device;
        buildDescription = buildDescription == null ? "" : buildDescription;
        description = description == null ? "" : description;
    }

    /** A battery starting on a build whose steps passed. */
    public static BootTestRecord started(String buildId, String workerId, String device, String context,
                                         BuildResult buildResult, String buildDescription, Instant now) {
        return new BootTestRecord(buildId, workerId, device, context, BootTestPhase.PREPARING, false, null, true,
                buildResult, buildDescription, null, "", 0, 0, null, null, now, null);
    }

    /** The config about to be changed, and what it was: committed before the change is made. */
    public BootTestRecord changing(String saved) {
        return new BootTestRecord(buildId, workerId, device, context, phase, true, saved, false, buildResult,
                buildDescription, result, description, passed, failed, postedStatus, imageRef, startedAt, finishedAt);
    }

    public BootTestRecord inPhase(BootTestPhase next) {
        return new BootTestRecord(buildId, workerId, device, context, next, configChanged, savedConfig, restored,
                buildResult, buildDescription, result, description, passed, failed, postedStatus, imageRef, startedAt,
                finishedAt);
    }

    public BootTestRecord withImageRef(String ref) {
        return new BootTestRecord(buildId, workerId, device, context, phase, configChanged, savedConfig, restored,
                buildResult, buildDescription, result, description, passed, failed, postedStatus, ref, startedAt,
                finishedAt);
    }

    public BootTestRecord ended(BuildResult outcome, String why, int passedTests, int failedTests, Instant now) {
        return new BootTestRecord(buildId, workerId, device, context, BootTestPhase.ENDED, configChanged, savedConfig,
                restored, buildResult, buildDescription, outcome, why, passedTests, failedTests, postedStatus, imageRef,
                startedAt, now);
    }

    /** Nothing of the battery is left on the CattlePi API. */
    public BootTestRecord restoredNow() {
        return new BootTestRecord(buildId, workerId, device, context, phase, configChanged, savedConfig, true,
                buildResult, buildDescription, result, description, passed, failed, postedStatus, imageRef, startedAt,
                finishedAt);
    }

    public BootTestRecord withPostedStatus(String state) {
        return new BootTestRecord(buildId, workerId, device, context, phase, configChanged, savedConfig, restored,
                buildResult, buildDescription, result, description, passed, failed, state, imageRef, startedAt,
                finishedAt);
    }

    public boolean ended() {
        return phase == BootTestPhase.ENDED;
    }

    /** Its final status is known and GitHub does not have it yet. */
    public boolean finalStatusOwed() {
        return result != null && !result.wireName().equals(postedStatus);
    }

    /** The device's config must still be put back. */
    public boolean restoreOwed() {
        return configChanged && !restored;
    }
}
