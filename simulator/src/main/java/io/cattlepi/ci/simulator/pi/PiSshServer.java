package io.cattlepi.ci.simulator.pi;

import java.io.IOException;
import java.util.List;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * MINA's server with its acceptor reachable (a stopped server cannot start again, an unbound
 * acceptor can rebind) and session channels that end the way OpenSSH's sshd does.
 */
final class PiSshServer extends SshServer {
    /** Session channels that end like sshd's; call after building (the builder sets its own). */
    void useSshdChannelEnding() {
        setChannelFactories(List.of(new ChannelFactory() {
            @Override
            public String getName() {
                return "session";
            }

            @Override
            public Channel createChannel(Session session) {
                return new ExitStatusFirst();
            }
        }));
    }

    IoAcceptor acceptor() {
        return acceptor;
    }

    /**
     * Sends the exit status before EOF, as sshd does. MINA sends EOF first; OpenSSH then closes the
     * channel and the status is lost (rc 255 for the client, and a multiplexing master that gets a
     * late status for a client already gone can die of it).
     */
    private static final class ExitStatusFirst extends ChannelSession {
        @Override
        protected void closeShell(int exitValue, boolean closeImmediately) throws IOException {
            if (!isClosing()) {
                sendExitStatus(exitValue);
            }
            super.closeShell(exitValue, closeImmediately);
        }
    }
}
