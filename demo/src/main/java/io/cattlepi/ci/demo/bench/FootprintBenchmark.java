package io.cattlepi.ci.demo.bench;

import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.demo.DemoWorld;
import io.cattlepi.ci.demo.Poll;
import io.cattlepi.ci.demo.StoreView;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the controller costs a build-control Pi: the controller-only process started as the unit
 * starts it ({@link ControllerProcess}), against the 3-Pi simulated rack. A first start writes the
 * AppCDS archive (as the unit's first stop does), further starts are timed to serving, and the last
 * one runs {@code builds} builds (webhook deliveries, sandboxed no-op step) before its resident
 * memory and CPU time are read.
 */
final class FootprintBenchmark {
    /**
     * @param startMillis  median launch → {@code /healthz} answering, with the AppCDS archive
     * @param firstStartMillis the same on the first start (no archive yet)
     * @param cpuPerBuild  the JVM's CPU seconds per build, and its children's (sandbox, git, ssh-agent, step)
     */
    record Result(double startMillis, double firstStartMillis, double residentMiB, int threads, double jvmCpuPerBuild,
                  double childCpuPerBuild, int builds) {
        double cpuPerBuild() {
            return jvmCpuPerBuild + childCpuPerBuild;
        }
    }

    private FootprintBenchmark() {
    }

    static Result measure(int builds, int startups, Map<String, String> override, java.io.PrintStream progress)
            throws Exception {
        Path dir = Files.createTempDirectory("cattlepi-ci-bench-footprint");
        DemoWorld.Options options = new DemoWorld.Options(BenchScale.RACK, PiTimings.fast(), 0, Duration.ofMinutes(2),
                Duration.ofSeconds(30), Duration.ofSeconds(30), List.of(List.of("true")));
        ControllerProcess.Launch launch = ControllerProcess.Launch.fromCheckout(dir)
                .with(override);
        progress.println("bench: controller " + launch.environment() + ", output in " + dir);
        try (DemoWorld world = DemoWorld.start(dir.resolve("world"), options)) {
            Path config = world.configFile();
            int port = world.config().server().port();
            Path output = dir.resolve("controller.log");
            int pr = 1;
            double first;
            try (ControllerProcess training = ControllerProcess.start(launch, config, port, output);
                 StoreView store = new StoreView(world.config().storePath())) {
                first = training.startUp().toNanos() / 1e6;
                // Exercise the build path once so the archive holds its classes too.
                build(world, port, store, pr, 1);
                pr++;
            }
            Percentiles starts = new Percentiles();
            for (int i = 1; i < startups; i++) {
                try (ControllerProcess p = ControllerProcess.start(launch, config, port, output)) {
                    starts.add(p.startUp().toNanos() / 1e6);
                }
            }
            try (ControllerProcess p = ControllerProcess.start(launch, config, port, output);
                 StoreView store = new StoreView(world.config().storePath())) {
                starts.add(p.startUp().toNanos() / 1e6);
                BenchFailure.require(Poll.until(Duration.ofMinutes(2), store::allReady), "the rack did not come up");
                double[] before = p.cpuSeconds();
                build(world, port, store, pr, builds);
                double[] after = p.cpuSeconds();
                if (launch.environment().getOrDefault("CATTLEPI_CI_JAVA_OPTS", "").contains("NativeMemoryTracking")) {
                    p.saveDiagnostics(dir);
                }
                return new Result(starts.median(), first, p.residentMiB(), p.threads(), (after[0] - before[0]) / builds,
                        (after[1] - before[1]) / builds, builds);
            }
        }
    }

    /** Delivers {@code count} pull requests through {@code POST /webhook} and waits until all are built. */
    private static void build(DemoWorld world, int port, StoreView store, int first, int count) throws Exception {
        List<String> shas = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            SampleRepository.PullRequest pr = world.repo().openPullRequest(i, "footprint " + i, Map.of("n", i + "\n"));
            int status = world.deliver(port, "pull_request", world.pullRequestPayload("opened", pr));
            BenchFailure.require(status == 202, "delivery answered " + status);
            shas.add(pr.headSha());
        }
        BenchFailure.require(Poll.until(Duration.ofSeconds(10L * count + 120), () -> shas.stream().allMatch(sha ->
                store.buildsOf(sha).stream().anyMatch(b -> b.state() == BuildState.DONE))), "builds did not all finish");
    }
}
