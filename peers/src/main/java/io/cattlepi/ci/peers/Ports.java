package io.cattlepi.ci.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Local ports for peers that must be told theirs before they start, and for "nothing listens here". */
public final class Ports {
    private Ports() {
    }

    /** A port free right now on this machine (then closed again). */
    public static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
