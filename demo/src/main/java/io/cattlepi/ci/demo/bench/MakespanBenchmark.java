package io.cattlepi.ci.demo.bench;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.demo.DemoWorld;
import io.cattlepi.ci.demo.Poll;
import io.cattlepi.ci.simulator.pi.PiTimings;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Throughput of the real controller on the 3-Pi simulated rack: {@code jobs} builds whose one
 * step sleeps a fixed time are queued before the controller starts (every Pi unknown, so the first
 * reset counts, as the ideal counts the last), and the makespan runs to the last build's end.
 * The ideal is {@code jobs × (length + reset) / Pis}: no time lost between a reset and a lease.
 */
final class MakespanBenchmark {
    /** Seconds, and the ratio to the ideal. */
    record Result(int jobs, int pis, double length, double reset, double makespan) {
        double ideal() {
            return jobs * (length + reset) / pis;
        }

        double ratio() {
            return makespan / ideal();
        }

        /** The controller's own time per build: what the ratio's excess is made of, independent of the length. */
        double overheadPerBuild() {
            return (makespan - ideal()) * pis / jobs;
        }

        double buildsPerMinute() {
            return jobs * 60.0 / makespan;
        }
    }

    private MakespanBenchmark() {
    }

    static Result measure(int jobs, Duration length) throws Exception {
        PiTimings timings = PiTimings.fast();
        double reset = (2.0 * timings.boot().toMillis() + timings.flash().toMillis()) / 1000;
        String seconds = String.format(java.util.Locale.ROOT, "%.3f", length.toMillis() / 1000.0);
        DemoWorld.Options options = new DemoWorld.Options(BenchScale.RACK, timings, 0, length.plusMinutes(2),
                Duration.ofSeconds(30), Duration.ofSeconds(30), List.of(List.of("sleep", seconds)));
        try (DemoWorld world = DemoWorld.start(Files.createTempDirectory("cattlepi-ci-bench"), options)) {
            Deliveries.queue(world, 1, jobs);
            Instant start = Instant.now();
            try (Controller controller = Controller.start(world.config())) {
                Duration limit = length.plusSeconds(10).multipliedBy(jobs).plusMinutes(2);
                BenchFailure.require(Poll.until(limit, () -> done(controller).size() == jobs),
                        "only " + done(controller).size() + " of " + jobs + " builds finished");
                List<Build> done = done(controller);
                long failed = done.stream().filter(b -> b.result() != BuildResult.SUCCESS).count();
                BenchFailure.require(failed == 0, failed + " builds did not succeed");
                Instant last = done.stream().map(Build::finishedAt).max(Instant::compareTo).orElseThrow();
                return new Result(jobs, BenchScale.RACK, length.toMillis() / 1000.0, reset,
                        DispatchBenchmark.millis(start, last) / 1000);
            }
        }
    }

    private static List<Build> done(Controller c) {
        return c.store().read(tx -> tx.buildsIn(BuildState.DONE));
    }
}
