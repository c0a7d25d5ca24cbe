package io.cattlepi.ci.fleet;

import io.cattlepi.ci.crash.CrashPoint;
import io.cattlepi.ci.worker.Worker;
import java.time.Duration;

/**
 * Sends a Pi back to stock Raspbian, as the seed did: make sure the workers' CattlePi config is
 * right (Raspbian location, the controller's key), then {@code sudo /etc/cattlepi/restore_cattlepi.sh},
 * which reboots it into the CattlePi image, re-flashes stock and reboots again.
 */
public final class WorkerReset {
    static final String RESTORE = "sudo /etc/cattlepi/restore_cattlepi.sh";

    /** Puts the boot config in the state a reset needs; idempotent (see cattlepi.WorkerConfigSetup). */
    @FunctionalInterface
    public interface BootConfig {
        void ensure(Worker worker) throws Exception;

        BootConfig UNCHANGED = w -> { };
    }

    private final WorkerShell shell;
    private final BootConfig bootConfig;
    private final Duration commandTimeout;

    public WorkerReset(WorkerShell shell, BootConfig bootConfig, Duration commandTimeout) {
        this.shell = shell;
        this.bootConfig = bootConfig;
        this.commandTimeout = commandTimeout;
    }

    /** Starts the reset; returns once the Pi took the command (it then reboots on its own). */
    public void reset(Worker worker) throws Exception {
        CrashPoint.reach(CrashPoint.RESETTING);
        bootConfig.ensure(worker);
        try (WorkerShell.Session session = shell.open(worker)) {
            WorkerShell.CommandResult result = session.exec(RESTORE, commandTimeout);
            if (!result.ok()) {
                throw new IllegalStateException("Pi " + worker.id() + ": restore_cattlepi.sh exited with "
                        + result.exitCode() + ": " + result.stderr().strip());
            }
        } catch (ShellException e) {
            if (e.kind() != ShellException.Kind.DISCONNECTED) {
                throw e;
            }
            // The restore script reboots the Pi; losing the connection mid-command is the normal case.
        }
    }
}
