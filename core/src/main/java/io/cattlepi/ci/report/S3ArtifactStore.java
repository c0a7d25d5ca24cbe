package io.cattlepi.ci.report;

import io.cattlepi.ci.concurrent.DaemonThreads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Publishes build files to an S3 bucket (AWS, or any S3 endpoint) through AWS SDK v2, each with its
 * Content-Type, and builds the public links from the configured prefix. No ACLs are set: reading is
 * the bucket policy's business, as in the seed.
 */
public final class S3ArtifactStore implements ArtifactStore, AutoCloseable {
    private final S3Client s3;
    private final String bucket;
    private final String keyPrefix;
    private final String publicPrefix;
    /** The SDK's call timeouts, or null when the client's owner keeps its own. */
    private final ScheduledExecutorService timeouts;

    S3ArtifactStore(S3Client s3, String bucket, String keyPrefix, String publicPrefix) {
        this(s3, bucket, keyPrefix, publicPrefix, null);
    }

    private S3ArtifactStore(S3Client s3, String bucket, String keyPrefix, String publicPrefix,
                            ScheduledExecutorService timeouts) {
        this.s3 = Objects.requireNonNull(s3);
        this.bucket = bucket;
        this.keyPrefix = keyPrefix;
        this.publicPrefix = publicPrefix;
        this.timeouts = timeouts;
    }

    /** A store with its own SDK client (closed by {@link #close()}). */
    public static S3ArtifactStore open(S3Settings settings) {
        // One thread for the call timeouts instead of the SDK's five per client: on a Pi 3B+
        // every idle thread is resident memory (docs/performance.md).
        ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("s3-timeouts"));
        S3ClientBuilder builder = S3Clients.builder(settings)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(settings.timeout())
                        .apiCallAttemptTimeout(settings.timeout())
                        .scheduledExecutorService(timeouts)
                        .build());
        return new S3ArtifactStore(builder.build(), settings.bucket(), settings.keyPrefix(),
                settings.publicPrefix().toString(), timeouts);
    }

    @Override
    public void put(String key, Path file, String contentType) throws ReportException {
        String objectKey = objectKey(key);
        if (!Files.isRegularFile(file)) {
            throw new ReportException("Cannot upload " + file + " to " + where(objectKey) + ": not a readable file", false, null);
        }
        upload(objectKey, RequestBody.fromFile(file), contentType);
    }

    @Override
    public void put(String key, byte[] content, String contentType) throws ReportException {
        upload(objectKey(key), RequestBody.fromBytes(content), contentType);
    }

    @Override
    public String publicUrl(String key) {
        return UrlPath.join(publicPrefix, UrlPath.encode(objectKey(key)));
    }

    /** The key in the bucket for {@code key}: under the configured prefix. */
    public String objectKey(String key) {
        validate(key);
        return keyPrefix.isEmpty() ? key : keyPrefix + "/" + key;
    }

    @Override
    public void close() {
        s3.close();
        if (timeouts != null) {
            timeouts.shutdownNow();
        }
    }

    private void upload(String objectKey, RequestBody body, String contentType) throws ReportException {
        PutObjectRequest request = PutObjectRequest.builder()
                .bucket(bucket).key(objectKey)
                .contentType(contentType == null ? ContentTypes.BINARY : contentType)
                .build();
        try {
            s3.putObject(request, body);
        } catch (S3Exception e) {
            int code = e.statusCode();
            String error = e.awsErrorDetails() == null ? "" : " " + e.awsErrorDetails().errorCode();
            boolean retryable = code >= 500 || code == 429 || "RequestTimeout".equals(error.trim())
                    || "SlowDown".equals(error.trim());
            throw new ReportException("S3 answered HTTP " + code + error + " uploading " + where(objectKey), retryable, e);
        } catch (SdkClientException e) {
            // No answer from S3: refused, reset, timed out.
            throw new ReportException("Could not reach S3 uploading " + where(objectKey) + ": " + e.getMessage(), true, e);
        } catch (SdkException e) {
            throw new ReportException("S3 upload of " + where(objectKey) + " failed: " + e.getMessage(), e.retryable(), e);
        }
    }

    private String where(String objectKey) {
        return "s3://" + bucket + "/" + objectKey;
    }

    private static void validate(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("Invalid object key '" + key + "': must be a relative path");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > 900) {
            throw new IllegalArgumentException("Object key too long (over 900 bytes): " + key.substring(0, 60) + "…");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("Invalid object key '" + key + "': empty, '.' or '..' segment");
            }
        }
        if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("Invalid object key: control characters are not allowed");
        }
    }
}
