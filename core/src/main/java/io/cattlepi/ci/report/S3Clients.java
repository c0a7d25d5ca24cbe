package io.cattlepi.ci.report;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The SDK's S3 client as every part opens it (logs, boot images, retention): the config's region
 * and keys, connections bounded by its timeout, and path-style addressing for S3-compatible
 * endpoints. Each part adds the call timeouts its calls need.
 */
public final class S3Clients {
    private S3Clients() {
    }

    public static StaticCredentialsProvider credentials(S3Settings settings) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey().reveal(),
                settings.secretKey().reveal()));
    }

    public static S3ClientBuilder builder(S3Settings settings) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(settings.timeout())
                        .socketTimeout(settings.timeout()));
        if (settings.endpointOverride() != null) {
            // S3-compatible servers rarely resolve bucket.host names; addressing by path always works.
            builder.endpointOverride(settings.endpointOverride()).forcePathStyle(true);
        }
        return builder;
    }
}
