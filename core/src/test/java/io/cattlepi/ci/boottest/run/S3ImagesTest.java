package io.cattlepi.ci.boottest.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.peers.LocalS3;
import io.cattlepi.ci.report.S3Settings;
import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boot images through S3: a presigned URL the Pi can download (with its API key header), gone after withdraw. */
class S3ImagesTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private HttpResponse<byte[]> download(URI url) throws Exception {
        return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("X-Api-Key", "workers-key")
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aPresignedImageIsDownloadableUntilWithdrawnAndItsNameIsNotGuessable() throws Exception {
        try (LocalS3 s3 = LocalS3.start()) {
            s3.createBucket("logs");
            S3Settings settings = new S3Settings("logs", URI.create("http://example.invalid/logs"), "ci", null,
                    s3.endpoint(), new Secret(s3.accessKey()), new Secret(s3.secretKey()), Duration.ofSeconds(10));
            Path rootfs = dir.resolve("rootfs.sqsh");
            byte[] content = "a simulated root image".getBytes();
            Files.write(rootfs, content);
            try (S3Images images = S3Images.open(settings, Duration.ofMinutes(5))) {
                ImageShelf.Published a = images.publish("b-1", Map.of("rootfs.sqsh", rootfs));
                ImageShelf.Published b = images.publish("b-2", Map.of("rootfs.sqsh", rootfs));
                URI url = a.urls().get("rootfs.sqsh");
                assertTrue(url.getRawQuery().contains("X-Amz-Signature="), url.toString());
                assertNotEquals(url.getPath(), b.urls().get("rootfs.sqsh").getPath(), "a random name per battery");
                HttpResponse<byte[]> got = download(url);
                assertEquals(200, got.statusCode());
                assertArrayEquals(content, got.body());
                images.withdraw("b-1", a.ref());
                assertNotEquals(200, download(url).statusCode());
                assertEquals(200, download(b.urls().get("rootfs.sqsh")).statusCode(), "only that battery's");
                images.withdraw("b-2", b.ref());
                images.withdraw("b-2", b.ref());
            }
        }
    }
}
