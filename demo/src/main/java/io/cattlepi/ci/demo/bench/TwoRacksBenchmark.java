package io.cattlepi.ci.demo.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.config.BuildControlConfig;
import io.cattlepi.ci.config.ConfigLoader;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.demo.DemoWorld;
import io.cattlepi.ci.demo.Poll;
import io.cattlepi.ci.simulator.pi.PiTimings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How CattlePi CI scales past one controller: SQS is the shared engine and each controller owns
 * a rack. Two controllers of 3 simulated Pis each take {@code builds} deliveries from one queue;
 * every delivery must be built exactly once, by either.
 */
final class TwoRacksBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** After the last build: one visibility timeout (the demo's 10 s) for a message to come back. */
    private static final Duration SETTLE = Duration.ofSeconds(12);

    /** @param duplicates builds beyond the first of one delivery; {@code lost} deliveries never built */
    record Result(int builds, int duplicates, int lost, int builtByA, int builtByB) {
    }

    private TwoRacksBenchmark() {
    }

    static Result measure(int builds) throws Exception {
        Path dir = Files.createTempDirectory("cattlepi-ci-bench-racks");
        DemoWorld.Options options = new DemoWorld.Options(BenchScale.RACK, PiTimings.fast(), 0, Duration.ofMinutes(2),
                Duration.ofSeconds(30), Duration.ofSeconds(30), List.of(List.of("true")));
        try (DemoWorld a = DemoWorld.start(dir.resolve("a"), options); DemoWorld b = DemoWorld.start(dir.resolve("b"), options)) {
            List<String> shas = Deliveries.queue(a, 1, builds);
            try (Controller first = Controller.start(a.config()); Controller second = Controller.start(sharingQueue(a, b))) {
                Duration limit = Duration.ofSeconds(10L * builds + 120);
                Poll.until(limit, () -> built(first, second, shas).size() == shas.size());
                Poll.until(SETTLE, () -> false); // a message built twice would come back meanwhile
                Map<String, Integer> runs = new HashMap<>();
                countRuns(first, runs);
                countRuns(second, runs);
                int duplicates = runs.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
                int lost = shas.size() - built(first, second, shas).size();
                return new Result(builds, duplicates, lost, done(first).size(), done(second).size());
            }
        }
    }

    /** Rack B's config with rack A's queue, repository, GitHub and S3: two controllers, one queue. */
    private static BuildControlConfig sharingQueue(DemoWorld a, DemoWorld b) throws Exception {
        ObjectNode shared = (ObjectNode) JSON.readTree(a.configFile().toFile());
        ObjectNode own = (ObjectNode) JSON.readTree(b.configFile().toFile());
        ObjectNode into = (ObjectNode) shared.path("config").path("buildcontrol");
        ObjectNode rack = (ObjectNode) own.path("config").path("buildcontrol");
        for (String key : List.of("build_machines", "builders_api_key", "ssh_id_rsa", "ssh_id_rsa_pub", "cattlepi_api",
                "raspbian_location", "store_path", "workspace_dir", "http_port")) {
            into.set(key, rack.get(key));
        }
        Path file = b.dir().resolve("shared-queue.json");
        Files.writeString(file, JSON.writeValueAsString(shared));
        return ConfigLoader.load(file);
    }

    private static Set<String> built(Controller first, Controller second, List<String> shas) {
        Set<String> done = new HashSet<>();
        done(first).forEach(b -> done.add(b.sha()));
        done(second).forEach(b -> done.add(b.sha()));
        done.retainAll(shas);
        return done;
    }

    private static List<Build> done(Controller c) {
        return c.store().read(tx -> tx.buildsIn(BuildState.DONE));
    }

    /** Every build that ran (was leased a Pi), per commit. */
    private static void countRuns(Controller c, Map<String, Integer> runs) {
        for (Build b : c.store().read(tx -> tx.recentBuilds(100_000))) {
            if (b.startedAt() != null) {
                runs.merge(b.sha(), Math.max(1, b.attempts()), Integer::sum);
            }
        }
    }
}
