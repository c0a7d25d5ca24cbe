package io.cattlepi.ci.retention;

import io.cattlepi.ci.report.S3Clients;
import io.cattlepi.ci.report.S3Settings;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Build folders in the logs' bucket ({@code s3://bucket/[prefix/]{build id}/}), deleted a page at a time:
 * list up to 1000 keys under the folder, delete them in one DeleteObjects call, until none are left.
 * Every call is bounded by the S3 timeout and retried a bounded number of times (the SDK's standard mode:
 * three attempts).
 */
public final class S3BuildFolders implements BuildFolders, AutoCloseable {
    /** DeleteObjects takes at most 1000 keys. */
    static final int PAGE = 1000;
    /** A folder of more pages than this is not a build's: stop rather than loop. */
    private static final int MAX_PAGES = 1000;
    private static final Pattern BUILD_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final S3Client s3;
    private final String bucket;
    private final String keyPrefix;
    private final int page;

    private S3BuildFolders(S3Client s3, String bucket, String keyPrefix, int page) {
        this.s3 = s3;
        this.bucket = bucket;
        this.keyPrefix = keyPrefix;
        this.page = page;
    }

    /** Folders in the bucket of {@code settings}, with their own SDK client (closed by {@link #close()}). */
    public static S3BuildFolders open(S3Settings settings) {
        return open(settings, PAGE);
    }

    /** @param page keys listed and deleted per call (tests use fewer than S3's 1000 to see several pages) */
    static S3BuildFolders open(S3Settings settings, int page) {
        S3ClientBuilder builder = S3Clients.builder(settings)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallTimeout(settings.timeout())
                        .apiCallAttemptTimeout(settings.timeout())
                        .build());
        return new S3BuildFolders(builder.build(), settings.bucket(), settings.keyPrefix(), page);
    }

    @Override
    public long delete(String buildId) throws IOException {
        // An empty or odd id would make the prefix another folder, or the whole bucket.
        if (buildId == null || !BUILD_ID.matcher(buildId).matches() || buildId.matches("\\.+")) {
            throw new IOException("refusing to delete the S3 folder of build id " + buildId + ": not a build id");
        }
        String folder = (keyPrefix.isEmpty() ? "" : keyPrefix + "/") + buildId + "/";
        long deleted = 0;
        try {
            for (int pages = 0; pages < MAX_PAGES; pages++) {
                ListObjectsV2Response listed = s3.listObjectsV2(b -> b.bucket(bucket).prefix(folder).maxKeys(page));
                if (listed.contents().isEmpty()) {
                    return deleted;
                }
                List<ObjectIdentifier> keys = listed.contents().stream()
                        .map(S3Object::key).map(k -> ObjectIdentifier.builder().key(k).build()).toList();
                DeleteObjectsResponse answer = s3.deleteObjects(b -> b.bucket(bucket)
                        .delete(d -> d.objects(keys).quiet(true)));
                if (answer.hasErrors() && !answer.errors().isEmpty()) {
                    S3Error first = answer.errors().get(0);
                    throw new IOException(answer.errors().size() + " of " + keys.size() + " objects of " + where(folder)
                            + " could not be deleted, e.g. " + first.key() + ": " + first.code() + " " + first.message());
                }
                deleted += keys.size();
            }
        } catch (SdkException e) {
            throw new IOException("deleting " + where(folder) + " failed after " + deleted + " objects: " + e.getMessage(), e);
        }
        throw new IOException(where(folder) + " still has objects after " + deleted + " were deleted; left for the next run");
    }

    private String where(String folder) {
        return "s3://" + bucket + "/" + folder;
    }

    @Override
    public void close() {
        s3.close();
    }
}
