package io.cattlepi.ci.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.engine.rig.TestClock;
import io.cattlepi.ci.store.Store;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures the example alert rules watch, on an injected clock; {@code /metrics} and the rules
 * in docs/operations.md pass promtool's checks where promtool is installed (.ci/run brings it).
 */
class AlertMetricsTest {
    private static final String SHA = "d".repeat(40);
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    Path dir;

    private static Build build(String id, Instant created) {
        return Build.queued(id, "cattlepi/cattlepi", SHA, "refs/heads/master", null, "https://x/y.git", "push", null,
                null, null, created);
    }

    private String render(boolean sqs) {
        TestClock clock = new TestClock(NOW);
        try (Store store = Store.open(dir.resolve("m.db"), clock)) {
            store.write(tx -> {
                tx.buildChanged(null, build("waits", NOW.minus(Duration.ofMinutes(10))));
                Build finishing = build("settling", NOW.minus(Duration.ofHours(3)));
                tx.buildChanged(null, finishing.finished(BuildResult.FAILURE, "step failed", NOW.minus(Duration.ofMinutes(1))));
                Build passed = build("passed", NOW.minus(Duration.ofHours(3)));
                tx.buildChanged(null, passed.finished(BuildResult.SUCCESS, "ok", NOW.minus(Duration.ofHours(2)))
                        .withPostedStatus("success").withState(BuildState.DONE, "ok"));
                return null;
            });
            return new MetricsReport(store, new EngineMetrics(), () -> sqs).render();
        }
    }

    private static String value(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow().substring(name.length() + 1);
    }

    @Test
    void theFiguresTheAlertsWatch() {
        String m = render(false);
        assertEquals("600", value(m, "cattlepi_ci_oldest_queued_build_age_seconds"));
        assertEquals("1", value(m, "cattlepi_ci_statuses_unsettled"));
        assertEquals("7200", value(m, "cattlepi_ci_seconds_since_last_success"));
        assertEquals(Long.toString(NOW.minus(Duration.ofHours(2)).getEpochSecond()),
                value(m, "cattlepi_ci_last_success_timestamp_seconds"));
        assertEquals("0", value(m, "cattlepi_ci_queue_reachable"));
        assertEquals("1", value(m, "cattlepi_ci_queue_depth"));
        assertTrue(m.contains("cattlepi_ci_workers{state=\"maintenance\"} 0"), m);
    }

    @Test
    void metricsPassPromtool() throws Exception {
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, render(true));
        assertEquals("", promtool(List.of("check", "metrics"), file));
    }

    @Test
    void theAlertRulesInTheDocsPassPromtool() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));
        int start = doc.indexOf("```yaml\ngroups:");
        assertTrue(start >= 0, "docs/operations.md has the example rules in a ```yaml block");
        String rules = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));
        for (String metric : List.of("cattlepi_ci_oldest_queued_build_age_seconds", "cattlepi_ci_statuses_unsettled",
                "cattlepi_ci_seconds_since_last_success", "cattlepi_ci_queue_reachable", "cattlepi_ci_workers")) {
            assertTrue(rules.contains(metric), "a rule watches " + metric);
            assertTrue(render(true).contains(metric + " ") || render(true).contains(metric + "{"), "it exists: " + metric);
        }
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, rules);
        String said = promtool(List.of("check", "rules", file.toString()), null);
        assertTrue(said.contains("SUCCESS"), said);
    }

    /** Runs promtool; the test is skipped, loudly, where it is not installed. */
    private static String promtool(List<String> args, Path stdin) throws Exception {
        Optional<Path> tool = Optional.ofNullable(System.getenv("PROMTOOL")).map(Path::of).filter(Files::isExecutable)
                .or(() -> List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                        .map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).findFirst());
        if (tool.isEmpty()) {
            System.err.println("SKIPPED: promtool is not installed (PATH or $PROMTOOL); .ci/run installs it");
        }
        Assumptions.assumeTrue(tool.isPresent(), "promtool is not installed");
        List<String> cmd = new java.util.ArrayList<>(List.of(tool.get().toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool ended");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
