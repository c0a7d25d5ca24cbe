package io.cattlepi.ci.config;

import io.cattlepi.ci.fleet.RackMember;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The build-control config: the seed's {@code config.buildcontrol} fields, accepted as they are,
 * plus optional settings whose defaults are the seed's values. Secrets are {@link Secret}s, so
 * printing this record shows none of them.
 *
 * @param endpointSqs    SQS endpoint override (a local server), or null for AWS
 * @param endpointS3     S3 endpoint override, or null for AWS
 * @param endpointGithub GitHub API URL override, or null for https://api.github.com
 * @param cloneBase      where repositories are cloned from ({@code owner/name.git} appended); never the payload's URL
 * @param deadLetterQueue where rejected messages are copied, or null
 * @param autobuildSteps the weekly release build's commands; the Pi is back on stock between them
 */
public record BuildControlConfig(
        Secret awsAccessKey, Secret awsSecretKey, String s3Bucket, URI s3PublicPrefix, String sqsQueue,
        List<RackMember> buildMachines, Secret buildersApiKey, Secret githubToken, String githubUser,
        Secret sshPrivateKeyText, KeyPair sshIdentity, String sshPublicKeyLine,
        Duration monitorInterval, Duration jobTimeout, Duration checkoutWindow, Duration checkoutEvery,
        Duration autobuildTimeout, String autobuildSchedule, List<List<String>> buildSteps, String repository,
        List<String> allowedRepositories, List<String> pushBranches, boolean buildDrafts, String statusContext,
        URI cattlepiApi, URI endpointSqs, URI endpointS3, URI endpointGithub, String awsRegion,
        Secret webhookSecret, Secret operatorToken, Path storePath, Path workspaceDir, String httpHost, int httpPort,
        URI publicUrl, String hostKeyPolicy, int failedResetStreak, String sshUser, URI raspbianLocation,
        String workersConfigDevice, Duration visibilityTimeout, int maxQueueReceives, URI cloneBase,
        URI deadLetterQueue, List<List<String>> autobuildSteps) {

    /** What {@code config check} prints: every setting, secrets masked. */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        out.add("repository:        " + repository + " (allowed: " + String.join(", ", allowedRepositories) + ")");
        out.add("build machines:    " + buildMachines.size() + " (" + String.join(", ", buildMachines.stream()
                .map(m -> m.id() + "@" + m.host() + ":" + m.port()).toList()) + ")");
        out.add("sqs queue:         " + sqsQueue + (endpointSqs == null ? "" : " via " + endpointSqs)
                + (deadLetterQueue == null ? "" : ", rejected messages to " + deadLetterQueue));
        out.add("clone from:        " + cloneBase);
        out.add("s3:                s3://" + s3Bucket + " published at " + s3PublicPrefix
                + (endpointS3 == null ? "" : " via " + endpointS3));
        out.add("github:            user " + githubUser + ", token " + githubToken
                + (endpointGithub == null ? "" : " via " + endpointGithub));
        out.add("aws keys:          " + awsAccessKey + " / " + awsSecretKey + " (region " + awsRegion + ")");
        out.add("cattlepi api:      " + cattlepiApi + ", workers' key " + buildersApiKey);
        out.add("ssh:               user " + sshUser + ", key " + sshIdentity.getPublic().getAlgorithm()
                + ", host keys " + hostKeyPolicy);
        out.add("steps:             " + String.join(" ; ", buildSteps.stream().map(s -> String.join(" ", s)).toList()));
        out.add("timeouts:          job " + jobTimeout.toSeconds() + " s, checkout " + checkoutWindow.toSeconds()
                + " s every " + checkoutEvery.toSeconds() + " s, autobuild " + autobuildTimeout.toSeconds() + " s");
        out.add("autobuild:         " + autobuildSchedule + ": " + String.join(" ; ",
                autobuildSteps.stream().map(st -> String.join(" ", st)).toList()));
        out.add("webhook secret:    " + (webhookSecret == null ? "not set (POST /webhook disabled)" : webhookSecret));
        out.add("operator token:    " + (operatorToken == null ? "not set (operator actions disabled)" : operatorToken));
        out.add("http:              " + httpHost + ":" + httpPort);
        out.add("store:             " + storePath);
        return out;
    }
}
