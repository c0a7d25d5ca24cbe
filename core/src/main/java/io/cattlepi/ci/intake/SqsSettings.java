package io.cattlepi.ci.intake;

import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The build queue in SQS.
 *
 * @param queueUrl         the seed's {@code aws_sqs_queue}
 * @param region           AWS region, null for us-east-1
 * @param endpointOverride SQS endpoint (ElasticMQ), null for AWS
 * @param timeout          bound on one call, on top of a long poll's wait
 */
public record SqsSettings(String queueUrl, String region, URI endpointOverride, Secret accessKey, Secret secretKey,
                          Duration timeout) {
    public SqsSettings {
        if (queueUrl == null || !queueUrl.matches("https?://.+")) {
            throw new IllegalArgumentException("SQS queue URL must be an http(s) URL: " + queueUrl);
        }
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        region = region == null || region.isBlank() ? "us-east-1" : region;
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("SQS timeout must be positive: " + timeout);
        }
    }
}
