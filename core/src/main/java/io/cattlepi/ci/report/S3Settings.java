package io.cattlepi.ci.report;

import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where build folders go in S3 and how browsers reach them.
 *
 * @param bucket           the seed's {@code aws_s3_bucket}
 * @param publicPrefix     the bucket's public URL, the seed's {@code aws_s3_path}
 *                         (e.g. {@code https://bucket.s3.amazonaws.com/}, or a local endpoint + {@code /bucket})
 * @param keyPrefix        folder inside the bucket for all keys, "" (the seed) for the bucket root
 * @param region           AWS region, null for us-east-1
 * @param endpointOverride S3 endpoint (S3Proxy, MinIO), null for AWS; turns on path-style addressing
 * @param timeout          bound on one whole API call (retries included); connect and socket timeouts too
 */
public record S3Settings(String bucket, URI publicPrefix, String keyPrefix, String region, URI endpointOverride,
                         Secret accessKey, Secret secretKey, Duration timeout) {
    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("S3 bucket must be set");
        }
        Objects.requireNonNull(publicPrefix, "publicPrefix");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        keyPrefix = keyPrefix == null ? "" : keyPrefix.replaceAll("^/+|/+$", "");
        region = region == null || region.isBlank() ? "us-east-1" : region;
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("S3 timeout must be positive: " + timeout);
        }
    }
}
