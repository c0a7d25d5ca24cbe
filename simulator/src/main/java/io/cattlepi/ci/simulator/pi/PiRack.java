package io.cattlepi.ci.simulator.pi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A rack of simulated Pis booting from one CattlePi API with one API key. */
public final class PiRack implements AutoCloseable {
    private final List<SimulatedPi> pis;
    private final ScheduledExecutorService timer;
    private final Path dir;

    private PiRack(List<SimulatedPi> pis, ScheduledExecutorService timer, Path dir) {
        this.pis = pis;
        this.timer = timer;
        this.dir = dir;
    }

    /** Creates {@code count} Pis named pi-1.. on 127.0.0.1, each with its own port, and powers them on. */
    public static PiRack start(int count, String apiUrl, String apiKey, PiTimings timings) throws IOException {
        Path dir = Files.createTempDirectory("cattlepi-rack");
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "pi-rack");
            t.setDaemon(true);
            return t;
        });
        List<SimulatedPi> pis = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = "pi-" + i;
            pis.add(new SimulatedPi(name, SimulatedPi.macFor(name), "127.0.0.1", dir.resolve(name), apiUrl, apiKey,
                    timings, timer));
        }
        pis.forEach(SimulatedPi::powerOn);
        return new PiRack(List.copyOf(pis), timer, dir);
    }

    public List<SimulatedPi> pis() {
        return pis;
    }

    public SimulatedPi pi(String name) {
        return pis.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no simulated Pi named " + name));
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        pis.forEach(SimulatedPi::close);
        timer.shutdownNow();
    }
}
