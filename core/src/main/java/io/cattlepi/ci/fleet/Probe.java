package io.cattlepi.ci.fleet;

import io.cattlepi.ci.worker.Vitals;
import io.cattlepi.ci.worker.Worker;
import java.time.Clock;
import java.time.Duration;

/**
 * The seed's probes over one SSH connection: alive = {@code whoami} answers; on stock =
 * {@code /etc/cattlepi/release.sh} prints {@code raspbian_stock} and {@code /proc/cmdline} has no
 * {@code boot=cattlepi}. On the same connection it reads the Pi's health ({@link VitalsReading}),
 * which goes on the {@link VitalsBoard}: one more command, and never a reason for a probe to fail.
 */
public final class Probe {
    static final String ALIVE = "whoami";
    static final String RELEASE = "/etc/cattlepi/release.sh";
    static final String CMDLINE = "cat /proc/cmdline";
    /** More than any of these commands prints on a Pi; what a tampered Pi prints past it is dropped. */
    static final int MAX_OUTPUT = 64 * 1024;

    private final WorkerShell shell;
    private final Duration commandTimeout;
    private final VitalsBoard board;
    private final Clock clock;

    public Probe(WorkerShell shell, Duration commandTimeout) {
        this(shell, commandTimeout, new VitalsBoard(), Clock.systemUTC());
    }

    /** @param board where each reading of a Pi's health goes */
    public Probe(WorkerShell shell, Duration commandTimeout, VitalsBoard board, Clock clock) {
        this.shell = shell;
        this.commandTimeout = commandTimeout;
        this.board = board;
        this.clock = clock;
    }

    /** Where this probe's readings of the Pis' health go. */
    public VitalsBoard board() {
        return board;
    }

    /**
     * Reads only the Pi's health (the end of a build); unknown when it does not answer. A Pi that
     * answered has its reading recorded on the board like a probe's.
     */
    public Vitals vitals(Worker worker) {
        try (WorkerShell.Session session = shell.open(worker)) {
            Vitals vitals = VitalsReading.read(session, commandTimeout, clock.instant());
            board.record(worker.id(), vitals);
            return vitals;
        } catch (ShellException e) {
            return Vitals.unknown(clock.instant());
        }
    }

    public Observation probe(Worker worker) {
        try (WorkerShell.Session session = shell.open(worker)) {
            WorkerShell.CommandResult whoami = session.exec(ALIVE, commandTimeout, MAX_OUTPUT);
            if (!whoami.ok()) {
                return new Observation(false, false, session.hostKey(), null,
                        "whoami failed with exit code " + whoami.exitCode());
            }
            WorkerShell.CommandResult release = session.exec(RELEASE, commandTimeout, MAX_OUTPUT);
            WorkerShell.CommandResult cmdline = session.exec(CMDLINE, commandTimeout, MAX_OUTPUT);
            boolean stock = release.ok() && release.stdout().trim().equals("raspbian_stock")
                    && cmdline.ok() && !cmdline.stdout().contains("boot=cattlepi");
            Vitals vitals = VitalsReading.read(session, commandTimeout, clock.instant());
            board.record(worker.id(), vitals);
            return Observation.up(stock, session.hostKey());
        } catch (ShellException e) {
            return Observation.down(e);
        }
    }
}
