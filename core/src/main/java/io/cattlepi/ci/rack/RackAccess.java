package io.cattlepi.ci.rack;

import io.cattlepi.ci.cattlepi.HttpCattlePiApi;
import io.cattlepi.ci.cattlepi.WorkerConfigSetup;
import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.fleet.WorkerReset;
import io.cattlepi.ci.fleet.hostkey.HostKeyMode;
import io.cattlepi.ci.fleet.hostkey.HostKeyPolicy;
import io.cattlepi.ci.fleet.hostkey.NoHostKeyCheck;
import io.cattlepi.ci.fleet.hostkey.PerBootPinning;
import io.cattlepi.ci.fleet.hostkey.TrackedHostKeys;
import io.cattlepi.ci.fleet.ssh.SshWorkerShell;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH session pool, probe and reset for a rack, with the host-key policy and the workers'
 * config setup chosen from the settings. Closing it closes the SSH client.
 */
public final class RackAccess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RackAccess.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final SshWorkerShell shell;
    private final Probe probe;
    private final WorkerReset reset;

    private RackAccess(SshWorkerShell shell, Probe probe, WorkerReset reset) {
        this.shell = shell;
        this.probe = probe;
        this.reset = reset;
    }

    public static RackAccess open(RackSettings s) {
        HttpCattlePiApi cattlepi = new HttpCattlePiApi(s.cattlepiApi(), s.cattlepiApiKey(), s.callTimeout());
        if (s.hostKeyWarning() != null) {
            log.warn("*** {} ***", s.hostKeyWarning());
        }
        SshWorkerShell shell = new SshWorkerShell(s.sshUser(), s.sshIdentity(), hostKeys(s.hostKeyPolicy(), cattlepi),
                CONNECT_TIMEOUT);
        boolean track = s.hostKeyPolicy() == HostKeyMode.TRACK;
        WorkerReset.BootConfig bootConfig = s.raspbianLocation() == null ? WorkerReset.BootConfig.UNCHANGED
                : new WorkerConfigSetup(cattlepi, s.workersConfigDevice(), s.raspbianLocation().toString(),
                        s.publicKeyLine(), track ? TrackedHostKeys.USERCODE : null);
        return new RackAccess(shell, new Probe(shell, s.callTimeout()),
                new WorkerReset(shell, bootConfig, s.callTimeout()));
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

    public WorkerReset reset() {
        return reset;
    }

    @Override
    public void close() {
        shell.close();
    }
}
