package io.jenkins.plugins.cattlepi.trigger;

import hudson.model.Cause;

/** Why a run started: a GitHub delivery from SQS, known to core as {@code buildId}. */
public class SqsCause extends Cause {
    private final String queueUrl;
    private final String buildId;
    private final String deliveryId;
    private final String sha;
    private final Integer prNumber;

    SqsCause(String queueUrl, String buildId, String deliveryId, String sha, Integer prNumber) {
        this.queueUrl = queueUrl;
        this.buildId = buildId;
        this.deliveryId = deliveryId;
        this.sha = sha;
        this.prNumber = prNumber;
    }

    public String getQueueUrl() {
        return queueUrl;
    }

    public String getBuildId() {
        return buildId;
    }

    @Override
    public String getShortDescription() {
        String what = prNumber == null ? "push" : "pull request #" + prNumber;
        String delivery = deliveryId == null ? "a GitHub delivery" : "GitHub delivery " + deliveryId;
        return "Started by " + delivery + " via SQS (" + what + ", " + sha.substring(0, 7) + ")";
    }
}
