package io.cattlepi.ci.simulator.pi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a simulated Pi's SSH listens, held while the Pi is down: a bound socket that does not
 * listen, so connections are refused (as by a Pi that is booting) and no other simulator on this
 * machine takes the address meanwhile. Other simulators probe without address reuse, so a held
 * address is never handed out twice.
 */
final class PiEndpoint {
    /** How the rack's addresses were chosen, to be told to whoever connects. */
    record Allocation(List<PiEndpoint> endpoints, boolean port22, String note) {
    }

    private static final int MAX_PROBES = 1000;
    private final InetSocketAddress address;
    private SocketChannel hold;

    private PiEndpoint(InetSocketAddress address, SocketChannel hold) {
        this.address = address;
        this.hold = hold;
    }

    /**
     * One endpoint per Pi: its own loopback address (127.0.0.2, .3, …) on port 22 where this process
     * may bind it, skipping addresses taken by other simulators; otherwise 127.0.0.1 with a free port.
     */
    static Allocation allocate(int count) throws IOException {
        List<PiEndpoint> port22 = new ArrayList<>();
        String why = null;
        for (int i = 2; port22.size() < count && i < MAX_PROBES; i++) {
            if (i % 256 == 0 || i % 256 == 255) {
                continue;
            }
            InetSocketAddress a = new InetSocketAddress("127.0." + (i / 256) + "." + (i % 256), 22);
            try {
                port22.add(new PiEndpoint(a, probe(a)));
            } catch (SocketException e) {
                if (isPermission(e)) {
                    why = "port 22 needs root or CAP_NET_BIND_SERVICE";
                    break;
                }
                // taken (another simulator's Pi, or an sshd on 0.0.0.0:22): try the next address
            }
        }
        if (port22.size() == count) {
            return new Allocation(List.copyOf(port22), true, "each Pi on its own loopback address, SSH on port 22");
        }
        port22.forEach(PiEndpoint::close);
        if (why == null) {
            why = "no free loopback address with port 22 (is an sshd listening on 0.0.0.0:22?)";
        }
        List<PiEndpoint> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SocketChannel c = probe(new InetSocketAddress("127.0.0.1", 0));
            ports.add(new PiEndpoint((InetSocketAddress) c.getLocalAddress(), c));
        }
        return new Allocation(List.copyOf(ports), false, why + "; Pis on 127.0.0.1 with a port each (pass -p PORT)");
    }

    private static SocketChannel probe(InetSocketAddress a) throws IOException {
        SocketChannel c = SocketChannel.open();
        try {
            c.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            c.bind(a);
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    InetSocketAddress address() {
        return address;
    }

    /** Holds the address while the Pi is down (address reuse: its own connections may linger in TIME_WAIT). */
    synchronized void hold() {
        if (hold != null) {
            return;
        }
        try {
            SocketChannel c = SocketChannel.open();
            c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            c.bind(address);
            hold = c;
        } catch (IOException e) {
            // a connection of the Pi's own still owns it; the Pi's listener re-binds it at boot anyway
        }
    }

    /** Lets the Pi's SSH listener (or the hang fault's socket) bind the address. */
    synchronized void release() {
        close();
    }

    synchronized void close() {
        if (hold != null) {
            try {
                hold.close();
            } catch (IOException ignored) {
                // closing a bound, unconnected socket
            }
            hold = null;
        }
    }

    private static boolean isPermission(SocketException e) {
        return e.getMessage() != null && e.getMessage().contains("ermission");
    }
}
