package io.cattlepi.ci.fleet;

import io.cattlepi.ci.worker.Worker;
import java.time.Duration;

/** Port: runs commands on a Pi over SSH, checking its host key with the configured policy. */
public interface WorkerShell {
    /** A connection to one Pi; several commands may run on it. */
    interface Session extends AutoCloseable {
        /** Fingerprint of the host key the Pi presented (accepted by the policy). */
        String hostKey();

        /** The same key as an OpenSSH public key ({@code ssh-ed25519 AAAA...}), for a known_hosts file. */
        default String hostKeyEntry() {
            return null;
        }

        /** Runs one command line and waits for it; stdout and stderr are captured. */
        CommandResult exec(String command, Duration timeout) throws ShellException;

        @Override
        void close();
    }

    /** Output of one command. */
    record CommandResult(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    Session open(Worker worker) throws ShellException;
}
