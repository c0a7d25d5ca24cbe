package io.cattlepi.ci.fleet;

import io.cattlepi.ci.worker.Worker;
import java.time.Duration;

/**
 * The seed's probes over one SSH connection: alive = {@code whoami} answers; on stock =
 * {@code /etc/cattlepi/release.sh} prints {@code raspbian_stock} and {@code /proc/cmdline} has no
 * {@code boot=cattlepi}.
 */
public final class Probe {
    static final String ALIVE = "whoami";
    static final String RELEASE = "/etc/cattlepi/release.sh";
    static final String CMDLINE = "cat /proc/cmdline";

    private final WorkerShell shell;
    private final Duration commandTimeout;

    public Probe(WorkerShell shell, Duration commandTimeout) {
        this.shell = shell;
        this.commandTimeout = commandTimeout;
    }

    public Observation probe(Worker worker) {
        try (WorkerShell.Session session = shell.open(worker)) {
            WorkerShell.CommandResult whoami = session.exec(ALIVE, commandTimeout);
            if (!whoami.ok()) {
                return new Observation(false, false, session.hostKey(), null,
                        "whoami failed with exit code " + whoami.exitCode());
            }
            WorkerShell.CommandResult release = session.exec(RELEASE, commandTimeout);
            WorkerShell.CommandResult cmdline = session.exec(CMDLINE, commandTimeout);
            boolean stock = release.ok() && release.stdout().trim().equals("raspbian_stock")
                    && cmdline.ok() && !cmdline.stdout().contains("boot=cattlepi");
            return Observation.up(stock, session.hostKey());
        } catch (ShellException e) {
            return Observation.down(e);
        }
    }
}
