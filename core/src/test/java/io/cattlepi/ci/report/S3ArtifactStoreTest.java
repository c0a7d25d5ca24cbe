package io.cattlepi.ci.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.peers.LocalS3;
import io.cattlepi.ci.secret.Secret;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

class S3ArtifactStoreTest {
    private static final String BUCKET = "cattlepi-builds";
    private static LocalS3 s3;
    private static S3Client reader;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = LocalS3.start();
        s3.createBucket(BUCKET);
        reader = S3Client.builder().region(Region.US_EAST_1).endpointOverride(s3.endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stopS3() throws Exception {
        reader.close();
        s3.close();
    }

    static S3ArtifactStore store(String keyPrefix, String publicPrefix) {
        return S3ArtifactStore.open(new S3Settings(BUCKET, URI.create(publicPrefix), keyPrefix, null, s3.endpoint(),
                new Secret(s3.accessKey()), new Secret(s3.secretKey()), Duration.ofSeconds(10)));
    }

    @Test
    void uploadsComeBackThroughTheSdkAndThePublicUrlWithTheirContentType() throws Exception {
        Path log = Files.writeString(tmp.resolve("build.log"), "12:00:01 make test_noop\n12:00:02 ok ✓\n");
        try (S3ArtifactStore store = store("", s3.publicPrefix(BUCKET) + "/")) {
            store.put("b-1/build.log", log, ContentTypes.TEXT);
            store.put("b-1/result.json", "{\"result\":\"success\"}".getBytes(StandardCharsets.UTF_8), ContentTypes.JSON);

            ResponseBytes<GetObjectResponse> got = reader.getObjectAsBytes(b -> b.bucket(BUCKET).key("b-1/build.log"));
            assertEquals("text/plain;charset=utf-8", mediaType(got.response().contentType()));
            assertArrayEquals(Files.readAllBytes(log), got.asByteArray());

            String url = store.publicUrl("b-1/build.log");
            assertEquals(s3.endpoint() + "/" + BUCKET + "/b-1/build.log", url); // exactly one slash at the join
            HttpResponse<byte[]> page = get(url);
            assertEquals(200, page.statusCode());
            assertEquals("text/plain;charset=utf-8", mediaType(page.headers().firstValue("Content-Type").orElse("")));
            assertArrayEquals(Files.readAllBytes(log), page.body());

            HttpResponse<byte[]> result = get(store.publicUrl("b-1/result.json"));
            assertEquals("application/json", result.headers().firstValue("Content-Type").orElse(""));
        }
    }

    @Test
    void keysGoUnderThePrefixAndOddNamesStillHaveWorkingLinks() throws Exception {
        try (S3ArtifactStore store = store("/ci/", s3.publicPrefix(BUCKET).toString())) {
            String key = "b-2/out dir/a b#1?.log";
            store.put(key, "hello".getBytes(StandardCharsets.UTF_8), ContentTypes.TEXT);

            assertEquals("ci/" + key, store.objectKey(key));
            assertEquals("hello", reader.getObjectAsBytes(b -> b.bucket(BUCKET).key("ci/" + key)).asUtf8String());
            String url = store.publicUrl(key);
            assertEquals(s3.publicPrefix(BUCKET) + "/ci/b-2/out%20dir/a%20b%231%3F.log", url);
            assertEquals("hello", new String(get(url).body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void missingBucketAndWrongKeysAreNotRetryable() {
        S3ArtifactStore noBucket = S3ArtifactStore.open(new S3Settings("no-such-bucket", URI.create("http://x/"), "",
                null, s3.endpoint(), new Secret(s3.accessKey()), new Secret(s3.secretKey()), Duration.ofSeconds(10)));
        ReportException missing = assertThrows(ReportException.class, () -> noBucket.put("k", new byte[1], null));
        assertFalse(missing.retryable(), missing.getMessage());
        assertTrue(missing.getMessage().contains("s3://no-such-bucket/k"), missing.getMessage());

        S3ArtifactStore wrongKeys = S3ArtifactStore.open(new S3Settings(BUCKET, URI.create("http://x/"), "",
                null, s3.endpoint(), new Secret(s3.accessKey()), new Secret("wrong-secret-value"), Duration.ofSeconds(10)));
        ReportException denied = assertThrows(ReportException.class, () -> wrongKeys.put("k", new byte[1], null));
        assertFalse(denied.retryable(), denied.getMessage());
        assertFalse(denied.getMessage().contains("wrong-secret-value"));
        assertFalse(denied.getMessage().contains(s3.secretKey()));
    }

    @Test
    void unreachableS3IsRetryable() throws Exception {
        URI closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
        try (S3ArtifactStore down = S3ArtifactStore.open(new S3Settings(BUCKET, URI.create("http://x/"), "", null, closed,
                new Secret("a"), new Secret("b"), Duration.ofSeconds(3)))) {
            ReportException e = assertThrows(ReportException.class, () -> down.put("k", new byte[1], ContentTypes.TEXT));
            assertTrue(e.retryable(), e.getMessage());
        }
    }

    @Test
    void missingLocalFileIsNotRetryable() {
        try (S3ArtifactStore store = store("", "http://x/")) {
            ReportException e = assertThrows(ReportException.class,
                    () -> store.put("b/x.log", tmp.resolve("absent.log"), ContentTypes.TEXT));
            assertFalse(e.retryable());
        }
    }

    @Test
    void keysThatEscapeTheirFolderAreRefused() {
        try (S3ArtifactStore store = store("", "http://x/")) {
            for (String bad : new String[] {"", "/abs", "a/../b", "a//b", "./a", "dir/", "a\nb"}) {
                assertThrows(IllegalArgumentException.class, () -> store.publicUrl(bad), bad);
            }
        }
    }

    /** S3Proxy's Jetty drops the space before parameters; real S3 returns the type as stored. */
    static String mediaType(String contentType) {
        return contentType.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }

    static HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
