package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import io.cattlepi.ci.store.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labels on a simulated rack: the repository requires a Pi 4, so its builds wait for the only one. */
class LabelledRackTest {
    @TempDir
    static Path dir;
    private static LiveRack rack;

    @BeforeAll
    static void start() throws Exception {
        rack = LiveRack.start(dir, new DemoWorld.Options(3, PiTimings.fast(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(5), null)
                .withLabels("pi-1", "pi3b+").withLabels("pi-2", "pi3b+", "usb-ssd").withLabels("pi-3", "pi4")
                .with("build_labels", Map.of(DemoWorld.REPOSITORY, List.of("pi4"))), Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (rack != null) {
            rack.close();
        }
    }

    @Test
    void buildsRequiringAPi4WaitForTheOnlyOneWhileTheOthersStayIdle() throws Exception {
        SampleRepository.PullRequest a = rack.deliver(Map.of("a.txt", "a\n"));
        SampleRepository.PullRequest b = rack.deliver(Map.of("b.txt", "b\n"));
        Build first = rack.done(a);
        Build second = rack.done(b);
        assertEquals(BuildResult.SUCCESS, first.result(), first.description());
        assertEquals(BuildResult.SUCCESS, second.result(), second.description());
        assertEquals("pi-3", first.workerId());
        assertEquals("pi-3", second.workerId());
        for (String idle : List.of("pi-1", "pi-2")) {
            List<String> history = rack.controller().store().read(tx -> tx.events(Event.WORKER, idle, 100)).stream()
                    .map(Event::detail).toList();
            assertTrue(history.stream().noneMatch(h -> h.contains("leased")), idle + " never leased: " + history);
        }
        String workers = rack.get("/api/workers").body();
        assertTrue(workers.contains("\"labels\":[\"pi4\"]"), workers);
        assertTrue(rack.get("/").body().contains("pi3b+ usb-ssd"), "the rack page shows the labels");
    }
}
