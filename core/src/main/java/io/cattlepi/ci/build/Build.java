package io.cattlepi.ci.build;

import java.time.Instant;
import java.util.Objects;

/**
 * One build as stored: what to build (repository, sha, ref, PR), where it came from (delivery and
 * SQS message), where it is (state, Pi) and what is already reported, so each step of finishing
 * is done exactly once across restarts.
 *
 * @param prNumber       pull request number, or null for a push
 * @param receiptHandle  the latest SQS receipt handle, or null when not from SQS
 * @param postedStatus   the last GitHub state successfully posted (pending/success/...), or null
 * @param messageDeleted whether the SQS message is deleted
 */
public record Build(String id, String repository, String sha, String ref, Integer prNumber, String cloneUrl,
                    String event, String deliveryId, String messageId, String receiptHandle,
                    BuildState state, BuildResult result, String description, String workerId,
                    Instant createdAt, Instant startedAt, Instant finishedAt, int attempts,
                    String postedStatus, boolean messageDeleted) {
    public Build {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        description = description == null ? "" : description;
    }

    /** A new build waiting for a Pi. */
    public static Build queued(String id, String repository, String sha, String ref, Integer prNumber, String cloneUrl,
                               String event, String deliveryId, String messageId, String receiptHandle, Instant now) {
        return new Build(id, repository, sha, ref, prNumber, cloneUrl, event, deliveryId, messageId, receiptHandle,
                BuildState.QUEUED, null, "queued", null, now, null, null, 0, null, false);
    }

    /** A message that is not a buildable delivery, kept with its reason; nothing to build. */
    public static Build rejected(String id, String event, String deliveryId, String messageId, String receiptHandle,
                                 String why, Instant now) {
        return new Build(id, null, null, null, null, null, event, deliveryId, messageId, receiptHandle,
                BuildState.REJECTED, null, why, null, now, null, null, 0, null, false);
    }

    public Build withState(BuildState next, String why) {
        return new Build(id, repository, sha, ref, prNumber, cloneUrl, event, deliveryId, messageId, receiptHandle,
                next, result, why, workerId, createdAt, startedAt, finishedAt, attempts, postedStatus, messageDeleted);
    }

    public Build scheduledOn(String worker) {
        return new Build(id, repository, sha, ref, prNumber, cloneUrl, event, deliveryId, messageId, receiptHandle,
                BuildState.SCHEDULED, null, "scheduled on " + worker, worker, createdAt, null, null, attempts,
                postedStatus, messageDeleted);
    }

    public Build started(Instant now) {
        return new Build(id, repository, sha, ref, prNumber, cloneUrl, event, deliveryId, messageId, receiptHandle,
                BuildState.RUNNING, null, "running", workerId, createdAt, now, null, attempts + 1,
                postedStatus, messageDeleted);
    }

    public Build finished(BuildResult outcome, String why, Instant now) {
        return new Build(id, repository, sha, ref, prNumber, cloneUrl, event, deliveryId, messageId, receiptHandle,
                BuildState.FINISHING, outcome, why, workerId, createdAt, startedAt, now, attempts,
                postedStatus, messageDeleted);
    }

    public Build withReceiptHandle(String handle) {
        return new Build(id, repository, sha, ref, prNumber, cloneUrl, event, deliveryId, messageId, handle,
                state, result, description, workerId, createdAt, startedAt, finishedAt, attempts,
                postedStatus, messageDeleted);
    }

    public Build withPostedStatus(String status) {
        return new Build(id, repository, sha, ref, prNumber, cloneUrl, event, deliveryId, messageId, receiptHandle,
                state, result, description, workerId, createdAt, startedAt, finishedAt, attempts,
                status, messageDeleted);
    }

    public Build withMessageDeleted() {
        return new Build(id, repository, sha, ref, prNumber, cloneUrl, event, deliveryId, messageId, receiptHandle,
                state, result, description, workerId, createdAt, startedAt, finishedAt, attempts,
                postedStatus, true);
    }

    /** Back to the queue (e.g. re-run after a controller restart), keeping the attempt count. */
    public Build requeued(String why) {
        return new Build(id, repository, sha, ref, prNumber, cloneUrl, event, deliveryId, messageId, receiptHandle,
                BuildState.QUEUED, null, why, null, createdAt, null, null, attempts, postedStatus, messageDeleted);
    }
}
