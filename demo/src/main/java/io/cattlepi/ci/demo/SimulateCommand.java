package io.cattlepi.ci.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.simulator.pi.FaultCommand;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code simulate}: a simulated rack in the foreground, described as JSON lines for other tools. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a simulated Pi rack and a local CattlePi API until interrupted; prints one JSON line per Pi.",
                "Reads faults from stdin, one per line: " + FaultCommand.USAGE})
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--workers", defaultValue = "3", description = "Number of simulated Pis (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--timings", defaultValue = "demo", description = "fast (sub-second boots) or demo (seconds).")
    String timings;

    @Override
    public Integer call() throws Exception {
        if (workers < 1 || workers > 200) {
            System.err.println("--workers: must be between 1 and 200, got " + workers);
            return 2;
        }
        PiTimings t = switch (timings) {
            case "fast" -> PiTimings.fast();
            case "demo" -> PiTimings.demo();
            default -> null;
        };
        if (t == null) {
            System.err.println("--timings: must be fast or demo, got " + timings);
            return 2;
        }
        ObjectMapper json = new ObjectMapper();
        RackFixture fixture;
        try {
            fixture = RackFixture.start(workers, t);
        } catch (java.io.IOException e) {
            System.err.println("simulate: " + e.getMessage());
            return 1;
        }
        // Which addressing the Pis got: their own 127.0.0.x on port 22, or ports on 127.0.0.1 and why.
        System.err.println("simulate: " + fixture.rack().addressing());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fixture.close();
            stop.countDown();
        }));
        for (SimulatedPi pi : fixture.rack().pis()) {
            pi.awaitState(SimulatedPi.State.STOCK, Duration.ofMinutes(1));
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("name", pi.name());
            line.put("host", pi.host());
            line.put("port", pi.port());
            line.put("mac", pi.mac());
            System.out.println(json.writeValueAsString(line));
        }
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("api", fixture.api().url());
        api.put("apiKey", RackFixture.API_KEY);
        api.put("privateKey", fixture.privateKeyFile().toString());
        api.put("addressing", fixture.rack().addressing());
        // What a controller's config takes as "power": the rack's power switch, one outlet per Pi.
        api.put("power", Map.of("off", fixture.power().offCommand(), "on", fixture.power().onCommand()));
        System.out.println(json.writeValueAsString(api));
        System.out.flush();
        // Faults on demand: one command per stdin line, one JSON answer per line.
        FaultCommand faults = new FaultCommand(fixture.rack(), fixture.api());
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> answer = new LinkedHashMap<>();
                try {
                    answer.put("ok", faults.apply(line));
                } catch (IllegalArgumentException | java.io.IOException e) {
                    answer.put("error", e.getMessage());
                }
                System.out.println(json.writeValueAsString(answer));
                System.out.flush();
            }
        }
        stop.await();
        return 0;
    }
}
