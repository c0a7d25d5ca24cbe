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
    @Option(names = "--builds", defaultValue = "100", description = "Builds to measure (default ${DEFAULT-VALUE}).")
    int builds;

    @Option(names = "--workers", defaultValue = "4", description = "Simulated Pis (default ${DEFAULT-VALUE}).")
    int workers;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("cattlepi-ci-bench");
        PiTimings timings = PiTimings.fast();
        DemoWorld.Options options = new DemoWorld.Options(workers, timings, 0, Duration.ofMinutes(2),
                Duration.ofSeconds(30), Duration.ofSeconds(30), List.of(List.of("true")));
        try (DemoWorld world = DemoWorld.start(dir, options); Controller controller = Controller.start(world.config())) {
            if (!Poll.until(Duration.ofMinutes(2), () -> readyCount(controller) == workers)) {
                System.err.println("the rack did not come up");
                return 1;
            }
            Map<String, Instant> visible = new HashMap<>();
            for (int i = 0; i < builds; i++) {
                if (!Poll.until(Duration.ofMinutes(2), () -> readyCount(controller) > queued(controller))) {
                    System.err.println("no Pi became free");
                    return 1;
                }
                // One pull request per build: a newer push to the same one would supersede a queued build.
                SampleRepository.PullRequest pr = world.repo().openPullRequest(i + 1, "bench " + i, Map.of("n", i + "\n"));
                int status = world.deliver(controller.httpPort(), "pull_request", world.pullRequestPayload("opened", pr));
                visible.put(pr.headSha(), Instant.now());
                if (status != 202) {
                    System.err.println("delivery answered " + status);
                    return 1;
                }
                // Admitted before the next is paced, so the queued count is right.
                String sha = pr.headSha();
                Poll.until(Duration.ofSeconds(30), () -> !controller.store().read(tx ->
                        tx.buildsOf(DemoWorld.REPOSITORY, sha, "pull_request")).isEmpty());
            }
            if (!Poll.until(Duration.ofMinutes(5), () -> controller.store().read(tx -> tx.buildsIn(BuildState.QUEUED,
                    BuildState.SCHEDULED, BuildState.RUNNING, BuildState.FINISHING)).isEmpty()
                    && readyCount(controller) == workers)) {
                System.err.println("builds did not all finish");
                return 1;
            }
            Percentiles dispatch = new Percentiles();
            Percentiles leased = new Percentiles();
            Percentiles toReady = new Percentiles();
            for (Build b : controller.store().read(tx -> tx.recentBuilds(builds + 10))) {
                Instant posted = visible.get(b.sha());
                Optional<Instant> firstStep = firstStep(world.config().engine().workspaces().resolve(b.id()).resolve("build.log"));
                if (posted != null && b.startedAt() != null) {
                    leased.add(Duration.between(posted, b.startedAt()).toNanos() / 1e6);
                }
                if (posted != null && firstStep.isPresent()) {
                    dispatch.add(Duration.between(posted, firstStep.get()).toNanos() / 1e6);
                }
                readyAfter(controller, b).ifPresent(at -> toReady.add(Duration.between(b.finishedAt(), at).toNanos() / 1e6));
            }
            System.out.println(leased.summary("message visible -> build running on a leased Pi"));
            System.out.println(dispatch.summary("message visible -> first step started (after pending status and checkout)"));
            System.out.println(toReady.summary("build finished -> Pi ready (includes the simulated reset)"));
            System.out.printf("simulated reset time per Pi: 2 boots x %d ms + flash %d ms = %d ms%n",
                    timings.boot().toMillis(), timings.flash().toMillis(), 2 * timings.boot().toMillis() + timings.flash().toMillis());
            return 0;
        }
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

    private static long readyCount(Controller c) {
        return c.store().read(tx -> tx.workers()).stream().filter(w -> w.state() == WorkerState.READY).count();
    }

    private static long queued(Controller c) {
        return c.store().read(tx -> tx.buildsIn(BuildState.QUEUED, BuildState.SCHEDULED)).size();
    }
}
