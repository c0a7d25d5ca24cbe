package io.cattlepi.ci.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.boottest.BootTestPhase;
import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.engine.rig.TestClock;
import io.cattlepi.ci.metrics.EngineMetrics;
import io.cattlepi.ci.metrics.MetricsReport;
import io.cattlepi.ci.peers.LocalS3;
import io.cattlepi.ci.report.BuildPublisher;
import io.cattlepi.ci.report.S3ArtifactStore;
import io.cattlepi.ci.report.S3Settings;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.EventRetention;
import io.cattlepi.ci.store.Store;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Retention against the local S3 (S3Proxy, through the AWS SDK) and a real SQLite store; time moves
 * only when the test moves its clock.
 */
class RetentionTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static LocalS3 s3;
    private static S3Client reader;
    private static int bucketSeq;

    @TempDir
    Path dir;
    private String bucket;
    private TestClock clock;
    private Store store;
    private S3BuildFolders folders;
    private S3ArtifactStore artifacts;
    private final RetentionCounters counters = new RetentionCounters();

    @BeforeAll
    static void startS3() throws Exception {
        s3 = LocalS3.start();
        reader = S3Client.builder().region(Region.US_EAST_1).endpointOverride(s3.endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stopS3() {
        reader.close();
        s3.close();
    }

    @BeforeEach
    void open() {
        bucket = "cattlepi-logs-" + (++bucketSeq);
        s3.createBucket(bucket);
        clock = new TestClock(START);
        store = Store.open(dir.resolve("state.db"), clock);
        folders = S3BuildFolders.open(settings(s3.endpoint()), 50); // several DeleteObjects pages for a big folder
        artifacts = S3ArtifactStore.open(settings(s3.endpoint()));
    }

    @AfterEach
    void close() {
        artifacts.close();
        folders.close();
        store.close();
    }

    private S3Settings settings(URI endpoint) {
        return new S3Settings(bucket, s3.publicPrefix(bucket), "", null, endpoint, new Secret(s3.accessKey()),
                new Secret(s3.secretKey()), Duration.ofSeconds(10));
    }

    private Retention retention(BuildFolders where, int logDays, int buildDays, int buildMax) {
        return new Retention(store, where, new RetentionSettings(EventRetention.DEFAULTS, RetentionSettings.days(logDays),
                RetentionSettings.days(buildDays), buildMax), counters, clock);
    }

    @Test
    void oldFoldersAreDeletedFromS3AndRecentOnesKept() throws Exception {
        finished("b-old", 3);
        finished("b-older", 150); // 152 objects: four pages of 50
        advance(Duration.ofDays(20));
        finished("b-recent", 2);
        advance(Duration.ofDays(15)); // b-old and b-older finished 35 days ago, b-recent 15

        Retention.Run run = retention(folders, 30, 0, 0).run();

        assertEquals(2, run.foldersDeleted(), run.toString());
        assertEquals(0, run.failures(), run.toString());
        assertTrue(keys("b-old/").isEmpty() && keys("b-older/").isEmpty(), keys("").toString());
        assertEquals(List.of("b-recent/build.log", "b-recent/file-0.txt", "b-recent/file-1.txt", "b-recent/index.html"),
                keys("b-recent/"));
        assertTrue(store.read(tx -> tx.folderDeletedAt("b-old")).isPresent());
        assertTrue(store.read(tx -> tx.folderDeletedAt("b-recent")).isEmpty());
        assertTrue(store.read(tx -> tx.events(Event.BUILD, "b-older", 10)).stream()
                .anyMatch(e -> e.kind().equals("retention") && e.detail().contains("152 objects")));
        // the rows stay: only their folders were due
        assertTrue(store.read(tx -> tx.build("b-old")).isPresent());

        // Done is not redone: the next run deletes nothing, and a folder that reappeared is not looked at.
        artifacts.put("b-old/late.txt", new byte[] {1}, null);
        assertEquals(0, retention(folders, 30, 0, 0).run().foldersDeleted());
        assertEquals(List.of("b-old/late.txt"), keys("b-old/"));

        advance(Duration.ofDays(16));
        assertEquals(1, retention(folders, 30, 0, 0).run().foldersDeleted());
        assertTrue(keys("b-recent/").isEmpty());

        String metrics = new MetricsReport(store, new EngineMetrics(), () -> true, new io.cattlepi.ci.fleet.VitalsBoard(), counters).render();
        assertTrue(metrics.contains("\ncattlepi_ci_retention_s3_folders_deleted_total 3\n"), metrics);
        assertTrue(metrics.contains("\ncattlepi_ci_retention_failures_total 0\n"), metrics);
        assertTrue(metrics.contains("\ncattlepi_ci_retention_last_run_timestamp_seconds " + clock.instant().getEpochSecond()
                + "\n"), metrics);
    }

    @Test
    void oldFinishedBuildsLeaveTheStoreAndBuildsThatStillOweSomethingStay() throws Exception {
        finished("done-old", 1);
        addEvent("done-old");
        store.write(tx -> {
            tx.requestCancel("done-old", "operator");
            return null;
        });
        store.write(tx -> {
            tx.putBuild(Build.rejected("rejected-old", "push", "d-r", null, null, "not a push or pull request", clock.instant()));
            return null;
        });
        put(finishedBuild("status-unposted", BuildResult.FAILURE).withPostedStatus("pending").withMessageDeleted());
        put(finishedBuild("message-kept", BuildResult.SUCCESS).withPostedStatus("success"));
        put(finishedBuild("finishing", BuildResult.SUCCESS).withPostedStatus("success").withMessageDeleted()
                .withState(BuildState.FINISHING, "uploading"));
        put(Build.queued("queued-old", "o/r", "abc", "refs/heads/main", null, null, "push", "d-q", null, null, clock.instant()));
        put(Build.queued("running-old", "o/r", "def", "refs/heads/main", null, null, "push", "d-run", null, null,
                clock.instant()).scheduledOn("pi-1").started(clock.instant()));
        finished("battery-owes-restore", 0);
        store.write(tx -> {
            tx.putBootTest(BootTestRecord.started("battery-owes-restore", "pi-2", "dev", "ctx", BuildResult.SUCCESS, "ok",
                    clock.instant()).changing("{}").ended(BuildResult.SUCCESS, "passed", 1, 0, clock.instant())
                    .withPostedStatus("success"));
            return null;
        });
        finished("battery-done", 0);
        store.write(tx -> {
            tx.putBootTest(BootTestRecord.started("battery-done", "pi-2", "dev", "ctx", BuildResult.SUCCESS, "ok",
                    clock.instant()).ended(BuildResult.SUCCESS, "passed", 1, 0, clock.instant()).withPostedStatus("success"));
            return null;
        });
        advance(Duration.ofDays(40));
        finished("done-recent", 0);
        advance(Duration.ofDays(1));

        // Logs kept forever: rows go by age alone.
        Retention.Run run = retention(folders, 0, 30, 0).run();

        List<String> left = store.read(tx -> tx.recentBuilds(100)).stream().map(Build::id).sorted().toList();
        assertEquals(List.of("battery-owes-restore", "done-recent", "finishing", "message-kept", "queued-old",
                "running-old", "status-unposted"), left);
        assertEquals(3, run.buildsPruned(), run.toString());
        assertTrue(store.read(tx -> tx.events(Event.BUILD, "done-old", 10)).isEmpty());
        assertTrue(store.read(tx -> tx.cancelRequest("done-old")).isEmpty());
        assertTrue(store.read(tx -> tx.bootTest("battery-done")).isEmpty());
        assertTrue(store.read(tx -> tx.bootTest("battery-owes-restore")).isPresent());
        assertFalse(keys("done-old/").isEmpty(), "logs are kept forever unless log_retention_days is set");

        // The builds counter does not go down when rows go.
        String metrics = new MetricsReport(store, new EngineMetrics(), () -> true, new io.cattlepi.ci.fleet.VitalsBoard(), counters).render();
        assertTrue(metrics.contains("\ncattlepi_ci_builds_total{result=\"success\"} 6\n"), metrics);
        assertTrue(metrics.contains("\ncattlepi_ci_retention_builds_pruned_total 3\n"), metrics);
        assertTrue(metrics.contains("\ncattlepi_ci_retention_events_pruned_total " + run.eventsPruned() + "\n"), metrics);
        assertTrue(run.eventsPruned() >= 1, run.toString());
    }

    @Test
    void aCountLimitKeepsTheNewestFinishedBuilds() throws Exception {
        for (int i = 0; i < 5; i++) {
            finished("b-" + i, 0);
            advance(Duration.ofMinutes(1));
        }
        assertEquals(3, retention(folders, 0, 0, 2).run().buildsPruned());
        assertEquals(List.of("b-3", "b-4"), store.read(tx -> tx.recentBuilds(10)).stream().map(Build::id).sorted().toList());
    }

    @Test
    void aRowWaitsForItsFolderSoNoFolderIsLeftUntracked() throws Exception {
        finished("b-1", 1);
        // Rows after 10 days, logs after 30: at 15 days the row stays, as it is what finds the folder later.
        advance(Duration.ofDays(15));
        Retention.Run early = retention(folders, 30, 10, 0).run();
        assertEquals(0, early.buildsPruned() + early.foldersDeleted(), early.toString());
        assertEquals(3, keys("b-1/").size());
        // Past 30 days the folder goes, and the row with it in the same run.
        advance(Duration.ofDays(25));
        Retention.Run run = retention(folders, 30, 10, 0).run();
        assertEquals(1, run.foldersDeleted());
        assertEquals(1, run.buildsPruned());
        assertTrue(keys("b-1/").isEmpty());
        assertTrue(store.read(tx -> tx.build("b-1")).isEmpty());
    }

    @Test
    void anS3OutageIsCountedAndRetriedNextRunAndTheStoreStaysConsistent() throws Exception {
        finished("b-1", 1);
        finished("b-2", 1);
        advance(Duration.ofDays(40));
        URI closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
        Retention.Run failed;
        try (S3BuildFolders down = S3BuildFolders.open(settings(closed))) {
            failed = retention(down, 30, 10, 0).run();
        }
        assertEquals(0, failed.foldersDeleted(), failed.toString());
        assertEquals(2, failed.failures(), failed.toString());
        // Nothing recorded as deleted, and the rows that still locate their folders stay.
        assertTrue(store.read(tx -> tx.folderDeletedAt("b-1")).isEmpty());
        assertEquals(2, store.read(tx -> tx.recentBuilds(10)).size());
        assertEquals(3, keys("b-1/").size());
        assertTrue(new MetricsReport(store, new EngineMetrics(), () -> true, new io.cattlepi.ci.fleet.VitalsBoard(), counters).render()
                .contains("\ncattlepi_ci_retention_failures_total 2\n"));

        advance(Duration.ofHours(1));
        Retention.Run next = retention(folders, 30, 10, 0).run();
        assertEquals(2, next.foldersDeleted(), next.toString());
        assertEquals(2, next.buildsPruned(), next.toString());
        assertEquals(0, next.failures());
        assertTrue(keys("").isEmpty(), keys("").toString());
        assertEquals(2, counters.failures());
    }

    @Test
    void anOddBuildIdIsNeverTakenForAFolderPrefix() {
        for (String bad : new String[] {"", "..", "a/b", "a b"}) {
            try {
                folders.delete(bad);
                throw new AssertionError("deleted " + bad);
            } catch (java.io.IOException expected) {
                assertTrue(expected.getMessage().contains("not a build id"), expected.getMessage());
            }
        }
    }

    // ---- helpers

    private void advance(Duration d) {
        clock.advance(d);
    }

    /** A build that ran, published its folder for real ({@code files} artifacts, its log and index page) and settled. */
    private void finished(String id, int files) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("ws").resolve(id));
        Files.writeString(folder.resolve(BuildPublisher.LOG_NAME), "make test_noop\nok\n");
        for (int i = 0; i < files; i++) {
            Files.writeString(folder.resolve("file-" + i + ".txt"), "artifact " + i);
        }
        new BuildPublisher(artifacts).publish(id, folder);
        put(finishedBuild(id, BuildResult.SUCCESS).withPostedStatus("success").withMessageDeleted());
    }

    private Build finishedBuild(String id, BuildResult result) {
        Instant now = clock.instant();
        return Build.queued(id, "o/r", "sha-" + id, "refs/heads/main", null, null, "push", "d-" + id, "m-" + id,
                "rh-" + id, now).scheduledOn("pi-1").started(now).finished(result, "ended", now)
                .withState(BuildState.DONE, "ended");
    }

    private void put(Build b) {
        store.write(tx -> {
            tx.buildChanged(null, b);
            return null;
        });
    }

    private void addEvent(String id) {
        store.note(Event.BUILD, id, "note", "something happened");
    }

    private List<String> keys(String prefix) {
        return reader.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).sorted().toList();
    }
}
