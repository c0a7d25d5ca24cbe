package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.fleet.UndervoltStreaks;
import io.cattlepi.ci.simulator.pi.FaultCommand;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pi health on the simulated rack: a Pi with a weak power supply that also overheats, set through
 * the simulator's faults and read by the controller's probes over SSH (vcgencmd in the Pi). The
 * rack page, the API and {@code /metrics} show it; each build on it says so in its log and its
 * status; after three such builds in a row the Pi goes to maintenance.
 */
class PiHealthTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    private static LiveRack rack;
    private static FaultCommand faults;

    @BeforeAll
    static void start() throws Exception {
        rack = LiveRack.start(dir, new DemoWorld.Options(1, PiTimings.fast(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(1), null), WAIT);
        faults = new FaultCommand(rack.world().rack().rack(), rack.world().rack().api());
    }

    @AfterAll
    static void stop() {
        if (rack != null) {
            rack.close();
        }
    }

    @Test
    void anUndervoltedThrottledPiShowsEverywhereAndGoesToMaintenanceAfterThreeBuildsInARow() throws Exception {
        faults.apply("undervolt pi-1 on");
        faults.apply("throttle pi-1 on");
        faults.apply("temperature pi-1 83.4");
        rack.await("the rack page shows pi-1 hot and undervolted", () -> {
            String page = page();
            return page.contains("83.4 °C") && page.contains("under-voltage now") && page.contains("throttled now");
        });
        String metrics = rack.get("/metrics").body();
        assertTrue(metrics.contains("cattlepi_ci_pi_temperature_celsius{pi=\"pi-1\"} 83.4"), metrics);
        assertTrue(metrics.contains("cattlepi_ci_pi_undervolted{pi=\"pi-1\"} 1"), metrics);
        assertTrue(metrics.contains("cattlepi_ci_pi_throttled{pi=\"pi-1\"} 1"), metrics);
        assertTrue(metrics.contains("cattlepi_ci_pi_undervolted_since_boot{pi=\"pi-1\"} 1"), metrics);
        String workers = rack.get("/api/workers").body();
        assertTrue(workers.contains("\"celsius\":83.4"), workers);
        assertTrue(workers.contains("\"throttled\":\"0x50005\""), workers);
        assertTrue(workers.contains("\"now\":[\"under-voltage\",\"throttled\"]"), workers);

        for (int n = 1; n <= 3; n++) {
            int build = n;
            SampleRepository.PullRequest pr = rack.deliver(Map.of("f" + n + ".txt", n + "\n"));
            Build done = rack.done(pr);
            assertEquals(BuildResult.SUCCESS, done.result(), done.description());
            assertEquals("pi-1", done.workerId());
            String status = rack.lastStatus(pr.headSha()).description();
            assertTrue(status.endsWith("; Pi undervolted, throttled"), status);
            assertTrue(status.length() <= 140, status);
            assertTrue(rack.log(done).contains("ci | Pi pi-1 reported under-voltage, throttled during this build"),
                    rack.log(done));
            if (build < 3) {
                rack.await("pi-1 ready again after build " + build, () -> rack.worker("pi-1").state() == WorkerState.READY);
                assertEquals(build, (int) rack.controller().store().read(tx -> UndervoltStreaks.of(tx, "pi-1")));
            }
        }
        rack.await("pi-1 in maintenance", () -> rack.worker("pi-1").state() == WorkerState.MAINTENANCE);
        assertEquals("undervolted in 3 builds in a row", rack.worker("pi-1").reason());
        List<Event> history = rack.history("pi-1");
        assertEquals(3, history.stream().filter(e -> e.kind().equals(UndervoltStreaks.EVENT)).count(), history.toString());
        assertTrue(history.stream().anyMatch(e -> e.kind().equals("transition")
                && e.detail().endsWith("-> maintenance: undervolted in 3 builds in a row")), history.toString());
        assertTrue(page().contains("undervolted in 3 builds in a row"), "the reason is on the rack page");
    }

    private static String page() {
        try {
            return rack.get("/").body();
        } catch (Exception e) {
            return "";
        }
    }
}
