package io.cattlepi.ci.report;

import static io.cattlepi.ci.report.S3ArtifactStoreTest.get;
import static io.cattlepi.ci.report.S3ArtifactStoreTest.mediaType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.peers.LocalS3;
import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildPublisherTest {
    private static final String BUCKET = "builds";
    private LocalS3 s3;
    private S3ArtifactStore store;
    private BuildPublisher publisher;

    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws Exception {
        s3 = LocalS3.start();
        s3.createBucket(BUCKET);
        store = S3ArtifactStore.open(new S3Settings(BUCKET, s3.publicPrefix(BUCKET), "", s3.region(), s3.endpoint(),
                new Secret(s3.accessKey()), new Secret(s3.secretKey()), Duration.ofSeconds(10)));
        publisher = new BuildPublisher(store);
    }

    @AfterEach
    void stop() throws Exception {
        store.close();
        s3.close();
    }

    @Test
    void folderIsPublishedWithAnIndexWhoseLinksWork() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("b-7"));
        Files.writeString(folder.resolve("build.log"), "12:00:00 start\n");
        Files.writeString(folder.resolve("result.json"), "{\"result\":\"failure\"}");
        Files.createDirectories(folder.resolve("artifacts/out dir"));
        Files.writeString(folder.resolve("artifacts/out dir/<script>.txt"), "hostile name, harmless content");
        Files.writeString(folder.resolve("artifacts/page.html"), "<script>alert(1)</script>");

        String indexUrl = publisher.publish("b-7", folder, Map.of("Result", "failure"));

        assertEquals(s3.publicPrefix(BUCKET) + "/b-7/index.html", indexUrl);
        assertEquals(indexUrl, publisher.indexUrl("b-7"));
        HttpResponse<byte[]> index = get(indexUrl);
        assertEquals(200, index.statusCode());
        assertEquals("text/html;charset=utf-8", mediaType(index.headers().firstValue("Content-Type").orElse("")));
        String html = new String(index.body(), StandardCharsets.UTF_8);
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("&lt;script&gt;.txt"), html);
        assertTrue(html.contains("failure"), html);

        List<String> hrefs = new ArrayList<>();
        Matcher m = Pattern.compile("href=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            hrefs.add(m.group(1));
        }
        assertEquals(4, hrefs.size(), hrefs.toString());
        for (String href : hrefs) {
            HttpResponse<byte[]> file = get(URI.create(indexUrl).resolve(href.replace("&amp;", "&")).toString());
            assertEquals(200, file.statusCode(), href);
        }

        HttpResponse<byte[]> log = get(publisher.logUrl("b-7"));
        assertEquals("12:00:00 start\n", new String(log.body(), StandardCharsets.UTF_8));
        assertEquals("text/plain;charset=utf-8", mediaType(log.headers().firstValue("Content-Type").orElse("")));
        assertEquals("application/json", mediaType(get(store.publicUrl("b-7/result.json")).headers()
                .firstValue("Content-Type").orElse("")));
        // a page the build wrote is shown as text, never run
        assertEquals("text/plain;charset=utf-8", mediaType(get(store.publicUrl("b-7/artifacts/page.html")).headers()
                .firstValue("Content-Type").orElse("")));
    }

    @Test
    void symbolicLinksAndTheBuildsOwnIndexAreNotPublished() throws Exception {
        Path secret = Files.writeString(tmp.resolve("controller-secret.txt"), "aws secret");
        Path folder = Files.createDirectories(tmp.resolve("b-8"));
        Files.writeString(folder.resolve("build.log"), "log");
        Files.writeString(folder.resolve("index.html"), "<h1>fake</h1>");
        Files.createSymbolicLink(folder.resolve("leak.txt"), secret);

        publisher.publish("b-8", folder);

        assertEquals(404, get(store.publicUrl("b-8/leak.txt")).statusCode());
        String html = new String(get(publisher.indexUrl("b-8")).body(), StandardCharsets.UTF_8);
        assertFalse(html.contains("fake"), html);
        assertFalse(html.contains("leak.txt"), html);
        assertTrue(html.contains("build.log"), html);
    }

    @Test
    void logAloneCanBeRepublishedWhileTheBuildRuns() throws Exception {
        Path log = Files.writeString(tmp.resolve("build.log"), "line 1\n");
        publisher.publishLog("b-9", log);
        Files.writeString(log, "line 2\n", java.nio.file.StandardOpenOption.APPEND);
        publisher.publishLog("b-9", log);
        assertEquals("line 1\nline 2\n", new String(get(publisher.logUrl("b-9")).body(), StandardCharsets.UTF_8));
    }

    @Test
    void badBuildIdsAndMissingFoldersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> publisher.publish("../etc", tmp));
        assertThrows(IllegalArgumentException.class, () -> publisher.indexUrl("a/b"));
        ReportException missing = assertThrows(ReportException.class, () -> publisher.publish("b-10", tmp.resolve("nope")));
        assertFalse(missing.retryable());
    }
}
