package io.cattlepi.ci.rack;

import io.cattlepi.ci.build.PiWatch;
import io.cattlepi.ci.fleet.Observation;
import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.fleet.ShellException;
import io.cattlepi.ci.fleet.WorkerShell;
import io.cattlepi.ci.fleet.hostkey.HostKeyPolicy;
import io.cattlepi.ci.fleet.ssh.SshWorkerShell;
import io.cattlepi.ci.worker.Worker;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link PiWatch} over the controller's SSH. A build's Pi reboots mid-build with a new host key,
 * so {@link #boot} connects whatever key is presented, notes the rack's policy's verdict on it as
 * a new boot's key, and reads the boot id: the build's keeper decides (a new key must come with a
 * new boot). It only reads {@code boot_id}; nothing of the controller's goes to the Pi.
 */
final class PiBootWatch implements PiWatch, AutoCloseable {
    private static final String BOOT_ID = "cat /proc/sys/kernel/random/boot_id";

    private final Probe probe;
    private final SshWorkerShell shell;
    private final Duration timeout;
    private final Map<String, HostKeyPolicy.Verdict> verdicts = new ConcurrentHashMap<>();

    PiBootWatch(Probe probe, String user, KeyPair identity, HostKeyPolicy policy, Duration connectTimeout,
                Duration timeout) {
        this.probe = probe;
        this.timeout = timeout;
        this.shell = new SshWorkerShell(user, identity, new HostKeyPolicy() {
            @Override
            public Verdict verify(Worker worker, String fingerprint) {
                Verdict v = policy.verify(worker.withHostKey(null), fingerprint);
                verdicts.put(worker.id() + " " + fingerprint, v);
                return Verdict.accept("read boot_id: " + v.reason());
            }

            @Override
            public String name() {
                return policy.name();
            }
        }, connectTimeout);
    }

    @Override
    public boolean alive(Worker pi) {
        return probe.probe(pi.withHostKey(null)).alive();
    }

    @Override
    public boolean onStock(Worker pi) {
        Observation seen = probe.probe(pi.withHostKey(null));
        return seen.alive() && seen.onStock();
    }

    @Override
    public Optional<PiBoot> boot(Worker pi) {
        try (WorkerShell.Session s = shell.open(pi)) {
            WorkerShell.CommandResult id = s.exec(BOOT_ID, timeout);
            if (!id.ok()) {
                return Optional.empty();
            }
            HostKeyPolicy.Verdict v = verdicts.remove(pi.id() + " " + s.hostKey());
            return Optional.of(new PiBoot(id.stdout().strip(), s.hostKey(), s.hostKeyEntry(),
                    v != null && v.accepted(), v == null ? "no verdict" : v.reason()));
        } catch (ShellException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        shell.close();
    }
}
