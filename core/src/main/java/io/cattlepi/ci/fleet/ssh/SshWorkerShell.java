package io.cattlepi.ci.fleet.ssh;

import io.cattlepi.ci.fleet.ShellException;
import io.cattlepi.ci.fleet.ShellException.Kind;
import io.cattlepi.ci.fleet.WorkerShell;
import io.cattlepi.ci.fleet.hostkey.HostKeyPolicy;
import io.cattlepi.ci.worker.Worker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * {@link WorkerShell} on Apache MINA SSHD's client: key authentication as the configured user,
 * connect/auth/command timeouts, and the host key checked by a {@link HostKeyPolicy} during the
 * key exchange, before anything is sent to the Pi.
 */
public final class SshWorkerShell implements WorkerShell, AutoCloseable {
    /** Carries the worker and the policy's verdict through one connection attempt. */
    private static final class Attempt {
        final Worker worker;
        volatile String presented;
        volatile PublicKey key;
        volatile HostKeyPolicy.Verdict verdict;

        Attempt(Worker worker) {
            this.worker = worker;
        }
    }

    private static final AttributeKey<Attempt> ATTEMPT = new AttributeKey<>();

    private final SshClient client;
    private final String user;
    private final KeyPair identity;
    private final HostKeyPolicy policy;
    private final Duration connectTimeout;

    public SshWorkerShell(String user, KeyPair identity, HostKeyPolicy policy, Duration connectTimeout) {
        this.user = user;
        this.identity = identity;
        this.policy = policy;
        this.connectTimeout = connectTimeout;
        this.client = SshClient.setUpDefaultClient();
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        // Two I/O threads carry a rack's few sessions; the default (processors + 1) is resident memory on a Pi.
        CoreModuleProperties.NIO_WORKERS.set(client, 2);
        client.setServerKeyVerifier(this::verifyServerKey);
        client.start();
    }

    private boolean verifyServerKey(ClientSession session, java.net.SocketAddress remote, PublicKey key) {
        Attempt attempt = session.getConnectionContext().getAttribute(ATTEMPT);
        String fingerprint = KeyUtils.getFingerPrint(key);
        attempt.presented = fingerprint;
        attempt.key = key;
        attempt.verdict = policy.verify(attempt.worker, fingerprint);
        return attempt.verdict.accepted();
    }

    @Override
    public Session open(Worker worker) throws ShellException {
        Attempt attempt = new Attempt(worker);
        ClientSession session;
        try {
            session = client.connect(user, worker.host(), worker.port(), AttributeRepository.ofKeyValuePair(ATTEMPT, attempt))
                    .verify(connectTimeout).getSession();
        } catch (IOException e) {
            throw new ShellException(Kind.UNREACHABLE, describe(worker) + " is unreachable: " + rootMessage(e), null, e);
        }
        try {
            session.addPublicKeyIdentity(identity);
            session.auth().verify(connectTimeout.multipliedBy(2));
        } catch (IOException e) {
            session.close(true);
            if (attempt.verdict != null && !attempt.verdict.accepted()) {
                throw new ShellException(attempt.verdict.undecided() ? Kind.HOST_KEY_UNCONFIRMED : Kind.HOST_KEY_REJECTED,
                        describe(worker) + ": " + attempt.verdict.reason(), attempt.presented, e);
            }
            if (attempt.presented == null) {
                // No key exchange: the port accepted TCP but never spoke SSH (a hung Pi) or dropped us.
                throw new ShellException(Kind.UNREACHABLE, describe(worker) + " did not complete the SSH handshake: "
                        + rootMessage(e), null, e);
            }
            throw new ShellException(Kind.AUTH_FAILED, describe(worker) + " refused our key for user " + user + ": "
                    + rootMessage(e), attempt.presented, e);
        }
        return new MinaSession(worker, session, attempt.presented, PublicKeyEntry.toString(attempt.key));
    }

    private static String describe(Worker w) {
        return "Pi " + w.id() + " (" + w.host() + ":" + w.port() + ")";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        client.stop();
    }

    private static final class MinaSession implements Session {
        private final Worker worker;
        private final ClientSession session;
        private final String hostKey;
        private final String hostKeyEntry;

        MinaSession(Worker worker, ClientSession session, String hostKey, String hostKeyEntry) {
            this.worker = worker;
            this.session = session;
            this.hostKey = hostKey;
            this.hostKeyEntry = hostKeyEntry;
        }

        @Override
        public String hostKey() {
            return hostKey;
        }

        @Override
        public String hostKeyEntry() {
            return hostKeyEntry;
        }

        @Override
        public CommandResult exec(String command, Duration timeout) throws ShellException {
            return exec(command, timeout, Integer.MAX_VALUE);
        }

        @Override
        public CommandResult exec(String command, Duration timeout, int maxBytes) throws ShellException {
            ByteArrayOutputStream out = new Capped(maxBytes);
            ByteArrayOutputStream err = new Capped(maxBytes);
            try (ChannelExec channel = session.createExecChannel(command)) {
                channel.setOut(out);
                channel.setErr(err);
                channel.open().verify(timeout);
                Set<ClientChannelEvent> events = channel.waitFor(
                        EnumSet.of(ClientChannelEvent.CLOSED), timeout);
                if (events.contains(ClientChannelEvent.TIMEOUT)) {
                    throw new ShellException(Kind.TIMEOUT, describe(worker) + ": '" + command + "' did not finish within "
                            + timeout.toSeconds() + " s", hostKey, null);
                }
                Integer status = channel.getExitStatus();
                if (status == null) {
                    throw new ShellException(Kind.DISCONNECTED, describe(worker) + ": connection dropped during '"
                            + command + "'", hostKey, null);
                }
                return new CommandResult(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ShellException(Kind.DISCONNECTED, describe(worker) + ": '" + command + "' failed: "
                        + rootMessage(e), hostKey, e);
            }
        }

        @Override
        public void close() {
            session.close(true);
        }
    }

    /** Keeps the first {@code max} bytes and drops the rest, so the channel still drains. */
    private static final class Capped extends ByteArrayOutputStream {
        private final int max;

        Capped(int max) {
            this.max = max;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, Math.max(0, Math.min(len, max - count)));
        }

        @Override
        public synchronized void write(int b) {
            if (count < max) {
                super.write(b);
            }
        }
    }
}
