package io.cattlepi.ci.simulator.pi;

import io.cattlepi.ci.build.run.FileTrees;
import io.cattlepi.ci.simulator.pi.jail.JailCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
    private final String addressing;

    private PiRack(List<SimulatedPi> pis, ScheduledExecutorService timer, Path dir, String addressing) {
        this.pis = pis;
        this.timer = timer;
        this.dir = dir;
        this.addressing = addressing;
    }

    /**
     * Creates {@code count} jailed Pis named pi-1.., each on its own loopback address with SSH on
     * port 22 where this process may bind it (else 127.0.0.1 with a port each), and powers them on.
     * Refuses, saying why, where Pis cannot be jailed: they never run commands on the host.
     */
    public static PiRack start(int count, String apiUrl, String apiKey, PiTimings timings) throws IOException {
        Path dir = Files.createTempDirectory("cattlepi-rack");
        // Each Pi's root (an unprivileged host id) must be able to reach its own folder.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        try {
            JailCheck.require(dir.resolve("jail-check"));
        } catch (IOException e) {
            FileTrees.deleteQuietly(dir);
            throw e;
        } finally {
            FileTrees.deleteQuietly(dir.resolve("jail-check"));
        }
        // Core threads never end: a Pi's jail is tied to the thread that booted it.
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "pi-rack");
            t.setDaemon(true);
            return t;
        });
        PiEndpoint.Allocation addresses = PiEndpoint.allocate(count);
        List<SimulatedPi> pis = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                String name = "pi-" + i;
                pis.add(new SimulatedPi(name, SimulatedPi.macFor(name), addresses.endpoints().get(i - 1), dir.resolve(name),
                        apiUrl, apiKey, timings, timer));
            }
        } catch (IOException | RuntimeException e) {
            pis.forEach(SimulatedPi::close);
            addresses.endpoints().forEach(PiEndpoint::close);
            timer.shutdownNow();
            FileTrees.deleteQuietly(dir);
            throw e;
        }
        pis.forEach(SimulatedPi::powerOn);
        return new PiRack(List.copyOf(pis), timer, dir, addresses.note());
    }

    /** How the Pis' addresses were chosen (own address on port 22, or ports on 127.0.0.1, and why). */
    public String addressing() {
        return addressing;
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
        FileTrees.deleteQuietly(dir);
    }
}
