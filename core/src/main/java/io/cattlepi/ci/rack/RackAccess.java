package io.cattlepi.ci.rack;

import io.cattlepi.ci.boottest.run.DeviceConfigs;
import io.cattlepi.ci.boottest.run.PendingRestores;
import io.cattlepi.ci.build.PiWatch;
import io.cattlepi.ci.cattlepi.CattlePiApi;
import io.cattlepi.ci.cattlepi.CattlePiApiException;
import io.cattlepi.ci.cattlepi.HttpCattlePiApi;
import io.cattlepi.ci.cattlepi.WorkerConfigSetup;
import io.cattlepi.ci.cattlepi.WorkersConfigGuard;
import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.fleet.WorkerReset;
import io.cattlepi.ci.fleet.hostkey.HostKeyMode;
import io.cattlepi.ci.fleet.hostkey.HostKeyPolicy;
import io.cattlepi.ci.fleet.hostkey.NoHostKeyCheck;
import io.cattlepi.ci.fleet.hostkey.PerBootPinning;
import io.cattlepi.ci.fleet.hostkey.TrackedHostKeys;
import io.cattlepi.ci.fleet.ssh.SshWorkerShell;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH session pool, probe and reset for a rack, with the host-key policy and the workers'
 * config guard chosen from the settings; before a reset, a Pi's own CattlePi config is put back if
 * a boot test left it pointing at a build's images. Closing it closes the SSH client.
 */
public final class RackAccess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RackAccess.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Where the approved workers' config is kept in the store. */
    static final String APPROVED_CONFIG = "workers-config";

    private final SshWorkerShell shell;
    private final Probe probe;
    private final WorkerReset reset;
    private final WorkersConfigGuard guard;
    private final PiBootWatch watch;
    private final CattlePiApi cattlepi;
    private final PendingRestores restores;
    private volatile Consumer<String> driftListener = why -> { };

    private RackAccess(SshWorkerShell shell, Probe probe, WorkerReset reset, WorkersConfigGuard guard,
                       PiBootWatch watch, CattlePiApi cattlepi, PendingRestores restores) {
        this.cattlepi = cattlepi;
        this.restores = restores;
        this.shell = shell;
        this.probe = probe;
        this.reset = reset;
        this.guard = guard;
        this.watch = watch;
    }

    /** @param store keeps the workers' config the controller approved, and the drift events */
    public static RackAccess open(RackSettings s, Store store) {
        HttpCattlePiApi cattlepi = new HttpCattlePiApi(s.cattlepiApi(), s.cattlepiApiKey(), s.callTimeout());
        if (s.hostKeyWarning() != null) {
            log.warn("*** {} ***", s.hostKeyWarning());
        }
        HostKeyPolicy policy = hostKeys(s.hostKeyPolicy(), cattlepi);
        SshWorkerShell shell = new SshWorkerShell(s.sshUser(), s.sshIdentity(), policy, CONNECT_TIMEOUT);
        boolean track = s.hostKeyPolicy() == HostKeyMode.TRACK;
        RackAccess[] self = new RackAccess[1];
        WorkersConfigGuard guard = s.raspbianLocation() == null ? null : new WorkersConfigGuard(
                new WorkerConfigSetup(cattlepi, s.workersConfigDevice(), s.raspbianLocation().toString(),
                        s.publicKeyLine(), track ? TrackedHostKeys.USERCODE : null),
                new WorkersConfigGuard.Approved() {
                    @Override
                    public Optional<String> load() {
                        return store.read(tx -> tx.kept(APPROVED_CONFIG));
                    }

                    @Override
                    public void save(String fields) {
                        store.write(tx -> {
                            tx.keep(APPROVED_CONFIG, fields);
                            return null;
                        });
                    }
                }, why -> self[0].drifted(store, why));
        WorkerReset.BootConfig shared = guard == null ? WorkerReset.BootConfig.UNCHANGED : guard;
        PendingRestores restores = new PendingRestores(store, new DeviceConfigs(cattlepi));
        // A Pi is never reset (let alone leased again) while a boot test's images are still its config.
        WorkerReset.BootConfig bootConfig = w -> {
            restores.restore(w.id());
            shared.ensure(w);
        };
        Probe probe = new Probe(shell, s.callTimeout());
        self[0] = new RackAccess(shell, probe, new WorkerReset(shell, bootConfig, s.callTimeout()), guard,
                new PiBootWatch(probe, s.sshUser(), s.sshIdentity(), policy, CONNECT_TIMEOUT, s.callTimeout()),
                cattlepi, restores);
        return self[0];
    }

    private void drifted(Store store, String fields) {
        store.note(Event.RACK, APPROVED_CONFIG, "drift", "the workers' config changed behind the controller's back ("
                + fields + "); put back, ready Pis reset");
        driftListener.accept(fields);
    }

    /** Told which fields drifted, after they were put back (the engine resets the ready Pis). */
    public void onDrift(Consumer<String> listener) {
        this.driftListener = listener;
    }

    /** The workers' config as it is now becomes the approved one; false when it is not managed. */
    public boolean approveWorkersConfig() throws CattlePiApiException {
        if (guard == null) {
            return false;
        }
        guard.approveCurrent();
        return true;
    }

    /** Re-asserts the workers' config now; the fields that had drifted, if any. Empty when it is not managed. */
    public Optional<String> checkWorkersConfig() throws CattlePiApiException {
        return guard == null ? Optional.empty() : guard.check();
    }

    private static HostKeyPolicy hostKeys(HostKeyMode mode, HttpCattlePiApi cattlepi) {
        return switch (mode) {
            case OFF -> new NoHostKeyCheck();
            case TRACK -> new TrackedHostKeys(cattlepi);
            case PER_BOOT -> new PerBootPinning();
        };
    }

    public Probe probe() {
        return probe;
    }

    /** How a running build looks at its Pi from outside: alive, on stock, its boot and host key. */
    public PiWatch watch() {
        return watch;
    }

    public WorkerReset reset() {
        return reset;
    }

    /** The rack's CattlePi API, with the workers' key. */
    public CattlePiApi cattlepi() {
        return cattlepi;
    }

    /** The device configs boot tests changed and still owe back (restored before every reset). */
    public PendingRestores restores() {
        return restores;
    }

    @Override
    public void close() {
        watch.close();
        shell.close();
    }
}
