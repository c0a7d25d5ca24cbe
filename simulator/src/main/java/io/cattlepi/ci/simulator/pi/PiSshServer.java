package io.cattlepi.ci.simulator.pi;

import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.server.SshServer;

/** MINA's server with its acceptor reachable: a stopped server cannot start again, an unbound acceptor can rebind. */
final class PiSshServer extends SshServer {
    IoAcceptor acceptor() {
        return acceptor;
    }
}
