package io.cattlepi.ci.boottest.run;

import io.cattlepi.ci.report.S3Clients;
import io.cattlepi.ci.report.S3Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Images put in the logs' bucket under {@code boot-images/{random}/} and handed to the Pi as
 * presigned GET URLs that expire with the battery, so a public-read bucket policy never exposes
 * them by name. The objects are deleted when the battery ends, or when the controller starts again
 * after a crash.
 */
public final class S3Images implements ImageShelf, AutoCloseable {
    private static final String PREFIX = "boot-images/";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String keyPrefix;
    private final Duration validFor;

    private S3Images(S3Client s3, S3Presigner presigner, String bucket, String keyPrefix, Duration validFor) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.keyPrefix = keyPrefix;
        this.validFor = validFor;
    }

    /** @param validFor how long a presigned URL works (the battery's limit) */
    public static S3Images open(S3Settings settings, Duration validFor) {
        boolean pathStyle = settings.endpointOverride() != null;
        S3ClientBuilder client = S3Clients.builder(settings)
                // A whole image per call: the attempt's bound is generous, the connection's is not.
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofMinutes(30)).build());
        S3Presigner.Builder presign = S3Presigner.builder().region(Region.of(settings.region()))
                .credentialsProvider(S3Clients.credentials(settings))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        if (pathStyle) {
            presign.endpointOverride(settings.endpointOverride());
        }
        return new S3Images(client.build(), presign.build(), settings.bucket(), settings.keyPrefix(), validFor);
    }

    @Override
    public Published publish(String buildId, Map<String, Path> staged) throws IOException {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String ref = PREFIX + HexFormat.of().formatHex(random) + "/";
        Map<String, URI> urls = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Path> image : staged.entrySet()) {
                String key = key(ref + image.getKey());
                s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/octet-stream"),
                        RequestBody.fromFile(image.getValue()));
                urls.put(image.getKey(), presigner.presignGetObject(p -> p.signatureDuration(validFor)
                        .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toURI());
            }
        } catch (SdkException | java.net.URISyntaxException e) {
            withdraw(buildId, ref + String.join(",", staged.keySet()));
            throw new IOException("cannot publish the boot images in s3://" + bucket + ": " + e.getMessage(), e);
        }
        return new Published(urls, ref + String.join(",", staged.keySet()));
    }

    @Override
    public void withdraw(String buildId, String ref) {
        if (ref == null || !ref.startsWith(PREFIX)) {
            return;
        }
        int slash = ref.lastIndexOf('/');
        for (String name : List.of(ref.substring(slash + 1).split(","))) {
            if (!name.isEmpty()) {
                try {
                    s3.deleteObject(b -> b.bucket(bucket).key(key(ref.substring(0, slash + 1) + name)));
                } catch (SdkException e) {
                    // A bucket lifecycle rule on boot-images/ catches what is left (docs/recipes.md).
                }
            }
        }
    }

    private String key(String k) {
        return keyPrefix == null || keyPrefix.isEmpty() ? k : keyPrefix + "/" + k;
    }

    @Override
    public String describe() {
        return "in s3://" + bucket + "/" + key(PREFIX) + "… behind presigned URLs valid " + validFor.toMinutes() + " min";
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }
}
