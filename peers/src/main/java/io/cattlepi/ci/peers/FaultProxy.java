package io.cattlepi.ci.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a local peer (SQS, S3, GitHub), told at any moment how to
 * misbehave, for fault-injection tests. {@link Mode#PASS} forwards both ways; {@link Mode#STALL}
 * forwards nothing, on open connections as on new ones, until the mode changes (a peer that hangs);
 * {@link Mode#DROP} resets every connection, open and new (a peer that is gone);
 * {@link Mode#HTTP_503} answers every new request {@code 503} and closes, and closes open
 * connections (a peer that is overloaded).
 */
public final class FaultProxy implements AutoCloseable {
    public enum Mode { PASS, STALL, DROP, HTTP_503 }

    private final int target;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object modeChanged = new Object();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Mode mode = Mode.PASS;
    private volatile boolean closed;

    private FaultProxy(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /** Starts forwarding to {@code 127.0.0.1:targetPort}. */
    public static FaultProxy start(int targetPort) throws IOException {
        return new FaultProxy(targetPort);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT}: give it to a client instead of the peer's own endpoint. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    public Mode mode() {
        return mode;
    }

    /** Changes how the proxy behaves, for open connections as for new ones. */
    public void mode(Mode m) {
        mode = m;
        if (m == Mode.DROP || m == Mode.HTTP_503) {
            for (Socket s : open) {
                close(s, m == Mode.DROP);
            }
        }
        synchronized (modeChanged) {
            modeChanged.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            close(s, true);
        }
        synchronized (modeChanged) {
            modeChanged.notifyAll();
        }
        threads.shutdownNow();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            threads.execute(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        Mode now = mode;
        if (now == Mode.DROP) {
            close(client, true);
            return;
        }
        if (now == Mode.HTTP_503) {
            answer503(client);
            return;
        }
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
        } catch (IOException e) {
            close(client, true);
            close(upstream, true);
            return;
        }
        open.add(client);
        open.add(upstream);
        threads.execute(() -> pump(client, upstream));
        pump(upstream, client);
    }

    /** Copies {@code from} to {@code to} while the mode lets it; ends both at EOF or any failure. */
    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                if (!awaitForwarding()) {
                    break;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: end both below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(from, false);
        close(to, false);
    }

    /** Waits while the proxy stalls; false when the connection must end instead. */
    private boolean awaitForwarding() throws InterruptedException {
        synchronized (modeChanged) {
            while (mode == Mode.STALL && !closed) {
                modeChanged.wait();
            }
        }
        return mode == Mode.PASS && !closed;
    }

    private void answer503(Socket client) {
        try (client) {
            client.setSoTimeout(5000);
            InputStream in = client.getInputStream();
            // The request's head, so the client is not reset while still sending it.
            int last4 = 0;
            for (int read = 0; read < 64 * 1024 && last4 != 0x0d0a0d0a; read++) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                last4 = last4 << 8 | c;
            }
            client.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 19\r\nConnection: close\r\n\r\nService Unavailable").getBytes(StandardCharsets.ISO_8859_1));
            client.getOutputStream().flush();
        } catch (IOException e) {
            // the client went away first
        }
    }

    private void close(Socket s, boolean reset) {
        open.remove(s);
        try {
            if (reset && !s.isClosed()) {
                s.setSoLinger(true, 0);
            }
            s.close();
        } catch (SocketException e) {
            // already gone
        } catch (IOException e) {
            // closing anyway
        }
    }
}
