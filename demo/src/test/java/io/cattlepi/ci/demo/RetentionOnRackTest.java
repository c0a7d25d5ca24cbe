package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.retention.Retention;
import io.cattlepi.ci.retention.RetentionCounters;
import io.cattlepi.ci.retention.S3BuildFolders;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on the simulated rack: a pull request really built and published to the local S3, then
 * retention with the controller's own settings, store and bucket, run at later times (its clock is
 * the test's; the controller's own hourly run uses the real one, for which nothing is old yet).
 */
class RetentionOnRackTest {
    @TempDir
    static Path dir;
    private static LiveRack rack;

    @BeforeAll
    static void start() throws Exception {
        rack = LiveRack.start(dir, new DemoWorld.Options(1, PiTimings.fast(), 0, Duration.ofSeconds(120),
                Duration.ofSeconds(5), Duration.ofSeconds(5), null)
                .with("log_retention_days", 7).with("build_retention_days", 30), Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (rack != null) {
            rack.close();
        }
    }

    @Test
    void retentionRemovesAnOldBuildsFolderFromTheLocalS3AndThenItsRowFromTheStore() throws Exception {
        SampleRepository.PullRequest pr = rack.deliver(Map.of("r.txt", "r\n"));
        Build b = rack.done(pr);
        assertEquals(BuildResult.SUCCESS, b.result(), rack.log(b));
        String folder = rack.world().s3().publicPrefix(DemoWorld.BUCKET) + "/" + b.id() + "/";
        assertEquals(200, rack.getUrl(folder + "build.log").statusCode());

        try (S3BuildFolders folders = S3BuildFolders.open(rack.world().config().s3())) {
            // A day later nothing is old enough.
            Retention.Run soon = retention(folders, b.finishedAt().plus(Duration.ofDays(1))).run();
            assertEquals(0, soon.foldersDeleted() + soon.buildsPruned(), soon.toString());
            assertEquals(200, rack.getUrl(folder + "index.html").statusCode());

            // Past log_retention_days the folder goes; the row stays and its page says why there is no link.
            Retention.Run week = retention(folders, b.finishedAt().plus(Duration.ofDays(8))).run();
            assertEquals(1, week.foldersDeleted(), week.toString());
            assertEquals(0, week.failures(), week.toString());
            assertNotEquals(200, rack.getUrl(folder + "build.log").statusCode());
            assertNotEquals(200, rack.getUrl(folder + "index.html").statusCode());
            String page = rack.get("/builds/" + b.id()).body();
            assertTrue(page.contains("deleted by retention on"), page);

            // Past build_retention_days the row goes too.
            Retention.Run month = retention(folders, b.finishedAt().plus(Duration.ofDays(31))).run();
            assertEquals(1, month.buildsPruned(), month.toString());
            assertTrue(rack.controller().store().read(tx -> tx.build(b.id())).isEmpty());
            assertEquals(404, rack.get("/api/builds/" + b.id()).statusCode());
            assertTrue(rack.get("/metrics").body().contains("cattlepi_ci_builds_total{result=\"success\"} 1"),
                    "the removed build still counts");
        }
    }

    private static Retention retention(S3BuildFolders folders, Instant at) {
        return new Retention(rack.controller().store(), folders, rack.world().config().retention(), new RetentionCounters(),
                Clock.fixed(at, ZoneOffset.UTC));
    }
}
