package io.cattlepi.ci.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.controller.http.ControllerHttp;
import io.cattlepi.ci.controller.http.Operations;
import io.cattlepi.ci.fleet.FleetMonitor;
import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.fleet.RackMember;
import io.cattlepi.ci.fleet.Worker;
import io.cattlepi.ci.fleet.WorkerReset;
import io.cattlepi.ci.fleet.WorkerState;
import io.cattlepi.ci.fleet.hostkey.PerBootPinning;
import io.cattlepi.ci.fleet.ssh.SshWorkerShell;
import io.cattlepi.ci.metrics.EngineMetrics;
import io.cattlepi.ci.metrics.MetricsReport;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the embedded default, in one process. Today it runs the simulated rack, the
 * controller's fleet lifecycle over real SSH and the web UI, so a newcomer watches Pis go from
 * unknown through a reset to ready; the build pipeline joins it once its adapters land.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the demo rack: simulated Pis, a local CattlePi API, the controller and its web UI.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--workers", defaultValue = "3", description = "Number of simulated Pis (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--port", defaultValue = "8080", description = "UI port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--timings", defaultValue = "demo", description = "fast (sub-second boots) or demo (seconds).")
    String timings;

    @Option(names = "--until-ready", description = "Exit 0 once every Pi is ready (a smoke test), 1 if not within --timeout.")
    boolean untilReady;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds --until-ready waits (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (workers < 1 || workers > 50) {
            System.err.println("--workers: must be between 1 and 50, got " + workers);
            return 2;
        }
        PiTimings t = "fast".equals(timings) ? PiTimings.fast() : "demo".equals(timings) ? PiTimings.demo() : null;
        if (t == null) {
            System.err.println("--timings: must be fast or demo, got " + timings);
            return 2;
        }
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("cattlepi-ci-demo");
        RackFixture fixture = RackFixture.start(workers, t);
        Store store = Store.open(dir.resolve("cattlepi-ci.db"), Clock.systemUTC());
        SshWorkerShell shell = new SshWorkerShell("pi", fixture.clientKey(), new PerBootPinning(), Duration.ofSeconds(5));
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, workers));
        FleetSettings settings = new FleetSettings(Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofMinutes(2),
                3, Duration.ofSeconds(30), 8);
        FleetMonitor fleet = new FleetMonitor(store, new Probe(shell, Duration.ofSeconds(10)),
                new WorkerReset(shell, WorkerReset.BootConfig.UNCHANGED, Duration.ofSeconds(30)), settings, timer, pool,
                (before, after) -> System.out.printf("%s: %s -> %s (%s)%n", after.id(), before == null ? "new"
                        : before.state().wireName(), after.state().wireName(), after.reason()));
        fleet.syncRack(fixture.rack().pis().stream().map(p -> new RackMember(p.name(), p.host(), p.port(), p.mac())).toList());
        MetricsReport metrics = new MetricsReport(store, new EngineMetrics());
        ControllerHttp http = ControllerHttp.start("127.0.0.1", port, store, new FleetOperations(fleet), null,
                () -> new ControllerHttp.Health(true, Map.of("store", "ok", "fleet", "running")), metrics::render,
                routes -> { });
        String ui = "http://127.0.0.1:" + http.port() + "/";
        System.out.printf("cattlepi-ci demo: UI at %s (started in %d ms); %d simulated Pis booting%n", ui,
                (System.nanoTime() - started) / 1_000_000, workers);
        fleet.start();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ui", ui);
        line.put("cattlepiApi", fixture.api().url());
        line.put("cattlepiApiKey", RackFixture.API_KEY);
        line.put("privateKey", fixture.privateKeyFile().toString());
        line.put("workers", fixture.rack().pis().stream().map(p -> Map.of("name", p.name(), "host", p.host(), "port", p.port())).toList());
        System.out.println("DEMO " + new ObjectMapper().writeValueAsString(line));
        Runnable shutdown = () -> {
            fleet.close();
            http.close();
            timer.shutdownNow();
            pool.shutdownNow();
            shell.close();
            store.close();
            fixture.close();
        };
        if (untilReady) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            boolean ready = false;
            while (!ready && System.nanoTime() < deadline) {
                ready = store.read(tx -> tx.workers()).stream().allMatch(w -> w.state() == WorkerState.READY);
                if (!ready) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            }
            System.out.printf("cattlepi-ci demo: %s after %d ms%n", ready ? "all Pis ready" : "not all Pis ready",
                    (System.nanoTime() - started) / 1_000_000);
            shutdown.run();
            return ready ? 0 : 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shutdown.run();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    /** Operator actions the fleet-only demo supports. */
    private record FleetOperations(FleetMonitor fleet) implements Operations {
        @Override
        public Worker drain(String workerId, String reason) {
            return fleet.drain(workerId, reason);
        }

        @Override
        public Worker undrain(String workerId) {
            return fleet.undrain(workerId);
        }

        @Override
        public Build retry(String buildId) {
            throw new UnsupportedOperationException("builds are not part of this demo yet");
        }

        @Override
        public Build autobuildNow() {
            throw new UnsupportedOperationException("builds are not part of this demo yet");
        }

        @Override
        public Optional<Path> logOf(String buildId) {
            return Optional.empty();
        }

        @Override
        public Optional<String> publishedIndex(String buildId) {
            return Optional.empty();
        }
    }
}
