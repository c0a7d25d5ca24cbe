package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark in miniature, so it cannot rot: every part runs and reports. No figure is judged
 * here (the machine is shared and loaded); docs/performance.md has the full run's.
 */
class BenchCommandTest {
    private static final List<String> KEYS = List.of("dispatch_p50_ms", "dispatch_p99_ms", "turnaround_overhead_ms",
            "makespan_ratio_3", "makespan_ratio_500", "throughput_builds_per_min_3", "rss_mb", "start_ms",
            "cpu_s_per_build", "intake_p99_ms", "two_racks_duplicates", "two_racks_lost", "seed_dispatch_p99_ms",
            "seed_turnaround_overhead_ms", "seed_makespan_ratio_3");

    @TempDir
    Path dir;

    @Test
    void tinyRunCompletesAndWritesEveryFigure() throws Exception {
        Path json = dir.resolve("bench.json");
        assertEquals(0, Main.commandLine().execute("bench", "--tiny", "--json", json.toString()));
        JsonNode figures = new ObjectMapper().readTree(json.toFile());
        for (String key : KEYS) {
            assertTrue(figures.has(key), "no " + key + " in " + figures);
        }
    }
}
