package io.cattlepi.ci.fleet.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.fleet.ShellException;
import io.cattlepi.ci.fleet.WorkerShell;
import io.cattlepi.ci.fleet.hostkey.HostKeyPolicy;
import io.cattlepi.ci.worker.Worker;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Core's SSH client against an in-process MINA SSHD server on a free loopback port: key
 * authentication, the host-key policy deciding before anything is sent, commands with their
 * output and exit codes, and an ed25519 identity read from OpenSSH key text. It is also what the
 * jenkins-libraries build runs on the MINA SSHD version Jenkins' mina-sshd-api plugin ships.
 */
class SshWorkerShellTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<String> commands = new CopyOnWriteArrayList<>();
    private KeyPair identity;
    private KeyPair hostKey;
    private SshServer server;
    private Worker pi;

    @BeforeEach
    void start() throws Exception {
        identity = SshKeys.parse(openSshText(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256)), "test key");
        hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> "pi".equals(user)
                && KeyUtils.compareKeys(key, identity.getPublic()));
        server.setCommandFactory((channel, command) -> new RecordedCommand(command));
        server.start();
        pi = Worker.discovered("pi-1", "127.0.0.1", server.getPort(), "b8:27:eb:00:00:01", Instant.now());
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(true);
    }

    private static byte[] openSshText(KeyPair pair) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "test", null, out);
        return out.toByteArray();
    }

    private static HostKeyPolicy policy(HostKeyPolicy.Verdict verdict) {
        return new HostKeyPolicy() {
            @Override
            public Verdict verify(Worker worker, String fingerprint) {
                return verdict;
            }

            @Override
            public String name() {
                return "test";
            }
        };
    }

    @Test
    void aCommandRunsWithItsOutputAndExitCodeOverTheAcceptedHostKey() throws Exception {
        try (SshWorkerShell shell = new SshWorkerShell("pi", identity, policy(HostKeyPolicy.Verdict.accept("test")), TIMEOUT);
             WorkerShell.Session session = shell.open(pi)) {
            WorkerShell.CommandResult ok = session.exec("cat /etc/cattlepi/release.sh", TIMEOUT);
            WorkerShell.CommandResult failed = session.exec("exit 3", TIMEOUT);

            assertEquals(new WorkerShell.CommandResult(0, "ran: cat /etc/cattlepi/release.sh\n", ""), ok);
            assertEquals(3, failed.exitCode());
            assertEquals(KeyUtils.getFingerPrint(hostKey.getPublic()), session.hostKey());
        }
    }

    @Test
    void aHostKeyThePolicyRefusesStopsTheConnectionBeforeAnyCommand() throws Exception {
        try (SshWorkerShell shell = new SshWorkerShell("pi", identity, policy(HostKeyPolicy.Verdict.reject("not this boot's key")),
                TIMEOUT)) {
            ShellException e = assertThrows(ShellException.class, () -> shell.open(pi));

            assertEquals(ShellException.Kind.HOST_KEY_REJECTED, e.kind());
            assertTrue(e.getMessage().contains("not this boot's key"), e.getMessage());
            assertEquals(KeyUtils.getFingerPrint(hostKey.getPublic()), e.hostKey());
            assertEquals(List.of(), commands);
        }
    }

    @Test
    void aKeyThePiDoesNotKnowIsAnAuthenticationFailure() throws Exception {
        KeyPair stranger = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        try (SshWorkerShell shell = new SshWorkerShell("pi", stranger, policy(HostKeyPolicy.Verdict.accept("test")), TIMEOUT)) {
            ShellException e = assertThrows(ShellException.class, () -> shell.open(pi));

            assertEquals(ShellException.Kind.AUTH_FAILED, e.kind());
        }
    }

    @Test
    void theIdentitysPublicLineIsAnAuthorizedKeysLine() {
        assertTrue(SshKeys.publicKeyLine(identity, "jenkins-cattlepi").matches("ssh-ed25519 AAAA\\S+ jenkins-cattlepi"));
    }

    /** Answers every command with one line and exit code 0, or the code of {@code exit N}; nothing runs on the host. */
    private final class RecordedCommand implements Command {
        private final String command;
        private OutputStream out;
        private ExitCallback exit;

        RecordedCommand(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws java.io.IOException {
            commands.add(command);
            if (command.startsWith("exit ")) {
                exit.onExit(Integer.parseInt(command.substring(5)));
                return;
            }
            out.write(("ran: " + command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            exit.onExit(0);
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
