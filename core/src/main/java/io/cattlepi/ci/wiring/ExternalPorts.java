package io.cattlepi.ci.wiring;

import io.cattlepi.ci.intake.Admission;
import io.cattlepi.ci.intake.DeliveryFilter;
import io.cattlepi.ci.intake.SqsSettings;
import io.cattlepi.ci.intake.SqsWorkQueue;
import io.cattlepi.ci.report.BuildPublisher;
import io.cattlepi.ci.report.FolderPublisher;
import io.cattlepi.ci.report.GitHubSettings;
import io.cattlepi.ci.report.GitHubStatusPublisher;
import io.cattlepi.ci.report.S3ArtifactStore;
import io.cattlepi.ci.report.S3Settings;
import io.cattlepi.ci.report.StatusPublisher;
import io.cattlepi.ci.store.Store;

/**
 * The outside world every front end builds against, opened once from settings: the build queue
 * and its dead-letter queue in SQS, admission of messages into the store, build folders published
 * to S3, and commit statuses on GitHub. The standalone controller and the Jenkins plugin both
 * open it here, so the two never drift apart.
 *
 * @param deadLetters null when no dead-letter queue is configured
 */
public record ExternalPorts(SqsWorkQueue queue, SqsWorkQueue deadLetters, Admission admission,
                            FolderPublisher publisher, StatusPublisher statuses) {

    /**
     * Opens the clients, each registered with {@code closer}.
     *
     * @param deadLetters null for none
     * @param s3          null to keep build folders where they are (Jenkins keeps its own copy)
     */
    public static ExternalPorts open(SqsSettings queue, SqsSettings deadLetters, S3Settings s3, GitHubSettings github,
                                     DeliveryFilter filter, Store store, Closer closer) {
        SqsWorkQueue builds = closer.add(SqsWorkQueue.open(queue));
        SqsWorkQueue rejected = deadLetters == null ? null : closer.add(SqsWorkQueue.open(deadLetters));
        FolderPublisher publisher = s3 == null ? FolderPublisher.NONE
                : new BuildPublisher(closer.add(S3ArtifactStore.open(s3)));
        return new ExternalPorts(builds, rejected, new Admission(store, builds, filter, rejected), publisher,
                new GitHubStatusPublisher(github));
    }
}
