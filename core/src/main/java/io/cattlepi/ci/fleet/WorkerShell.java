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

        /**
         * As {@link #exec(String, Duration)}, keeping at most {@code maxBytes} of each of stdout and
         * stderr: what a Pi prints to a probe is untrusted and must not fill the controller's memory.
         */
        default CommandResult exec(String command, Duration timeout, int maxBytes) throws ShellException {
            CommandResult r = exec(command, timeout);
            return new CommandResult(r.exitCode(), cap(r.stdout(), maxBytes), cap(r.stderr(), maxBytes));
        }

        private static String cap(String s, int max) {
            return s.length() > max ? s.substring(0, max) : s;
        }

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
