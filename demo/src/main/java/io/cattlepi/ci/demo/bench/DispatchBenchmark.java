package io.cattlepi.ci.demo.bench;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.demo.DemoWorld;
import io.cattlepi.ci.demo.Poll;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The controller's own latency around builds, on the simulated rack with no-op steps: from a
 * delivery's message becoming visible (the webhook's 202) to the build's first step starting,
 * and from a build finishing to its Pi being ready again. Deliveries are paced so a Pi is free
 * for each (closed loop): the numbers are dispatch cost, not queueing for busy Pis.
 */
@Command(name = "dispatch", mixinStandardHelpOptions = true,
        description = "Measure message visible -> first step started and build finished -> Pi ready over N builds.")
public final class DispatchBenchmark implements Callable<Integer> {
    /** What one run measured, in milliseconds. */
    record Result(Percentiles leased, Percentiles dispatch, Percentiles running, Percentiles toReady, double resetMillis) {
        Percentiles overhead() {
            Percentiles p = new Percentiles();
            toReady.values().forEach(ms -> p.add(ms - resetMillis));
            return p;
        }
    }

    @Option(names = "--builds", defaultValue = "500", description = "Builds to measure (default ${DEFAULT-VALUE}).")
    int builds;

    @Option(names = "--workers", defaultValue = "3", description = "Simulated Pis (default ${DEFAULT-VALUE}).")
    int workers;

    @Override
    public Integer call() throws Exception {
        Result r = measure(builds, workers);
        System.out.println(r.leased().summary("message visible -> build running on a leased Pi"));
        System.out.println(r.dispatch().summary("message visible -> first step started (after pending status and checkout)"));
        System.out.println(r.toReady().summary("build finished -> Pi ready (includes the simulated reset)"));
        System.out.println(r.overhead().summary("build finished -> Pi ready beyond the simulated reset"));
        System.out.printf("simulated reset time per Pi: %.0f ms (2 boots and a flash)%n", r.resetMillis());
        return 0;
    }

    static Result measure(int builds, int workers) throws Exception {
        Path dir = Files.createTempDirectory("cattlepi-ci-bench");
        PiTimings timings = PiTimings.fast();
        DemoWorld.Options options = new DemoWorld.Options(workers, timings, 0, Duration.ofMinutes(2),
                Duration.ofSeconds(30), Duration.ofSeconds(30), List.of(List.of("true")));
        try (DemoWorld world = DemoWorld.start(dir, options); Controller controller = Controller.start(world.config())) {
            BenchFailure.require(Poll.until(Duration.ofMinutes(2), () -> readyCount(controller) == workers), "the rack did not come up");
            Map<String, Instant> visible = new HashMap<>();
            for (int i = 0; i < builds; i++) {
                BenchFailure.require(Poll.until(Duration.ofMinutes(2), () -> readyCount(controller) > queued(controller)),
                        "no Pi became free");
                // One pull request per build: a newer push to the same one would supersede a queued build.
                SampleRepository.PullRequest pr = world.repo().openPullRequest(i + 1, "bench " + i, Map.of("n", i + "\n"));
                int status = world.deliver(controller.httpPort(), "pull_request", world.pullRequestPayload("opened", pr));
                visible.put(pr.headSha(), Instant.now());
                BenchFailure.require(status == 202, "delivery answered " + status);
                // Admitted before the next is paced, so the queued count is right.
                String sha = pr.headSha();
                Poll.until(Duration.ofSeconds(30), () -> !controller.store().read(tx ->
                        tx.buildsOf(DemoWorld.REPOSITORY, sha, "pull_request")).isEmpty());
            }
            BenchFailure.require(Poll.until(Duration.ofMinutes(5), () -> controller.store().read(tx -> tx.buildsIn(BuildState.QUEUED,
                    BuildState.SCHEDULED, BuildState.RUNNING, BuildState.FINISHING)).isEmpty()
                    && readyCount(controller) == workers), "builds did not all finish");
            Result r = new Result(new Percentiles(), new Percentiles(), new Percentiles(), new Percentiles(),
                    2.0 * timings.boot().toMillis() + timings.flash().toMillis());
            for (Build b : controller.store().read(tx -> tx.recentBuilds(builds + 10))) {
                Instant posted = visible.get(b.sha());
                Optional<Instant> firstStep = firstStep(world.config().engine().workspaces().resolve(b.id()).resolve("build.log"));
                if (posted != null && b.startedAt() != null) {
                    r.leased().add(millis(posted, b.startedAt()));
                    firstStep.ifPresent(at -> r.running().add(millis(b.startedAt(), at)));
                }
                if (posted != null && firstStep.isPresent()) {
                    r.dispatch().add(millis(posted, firstStep.get()));
                }
                readyAfter(controller, b).ifPresent(at -> r.toReady().add(millis(b.finishedAt(), at)));
            }
            return r;
        }
    }

    static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private static Optional<Instant> firstStep(Path log) throws java.io.IOException {
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        return Files.readAllLines(log).stream().filter(l -> l.contains(" ci | step: ")).findFirst()
                .map(l -> Instant.parse(l.substring(0, l.indexOf(' '))));
    }

    private static Optional<Instant> readyAfter(Controller controller, Build b) {
        if (b.workerId() == null || b.finishedAt() == null) {
            return Optional.empty();
        }
        List<Event> events = controller.store().read(tx -> tx.events(Event.WORKER, b.workerId(), 10_000));
        return events.stream().filter(e -> e.at().isAfter(b.finishedAt()) || e.at().equals(b.finishedAt()))
                .filter(e -> e.kind().equals("transition") && e.detail().contains("-> ready"))
                .map(Event::at).findFirst();
    }

    static long readyCount(Controller c) {
        return c.store().read(tx -> tx.workers()).stream().filter(w -> w.state() == WorkerState.READY).count();
    }

    private static long queued(Controller c) {
        return c.store().read(tx -> tx.buildsIn(BuildState.QUEUED, BuildState.SCHEDULED)).size();
    }
}
