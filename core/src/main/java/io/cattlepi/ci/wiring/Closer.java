package io.cattlepi.ci.wiring;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a front end opened, closed newest first (the server and engine stop before the clients and
 * store they use); a close that fails is logged and never keeps the rest open.
 */
public final class Closer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Closer.class);

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** Registers {@code c} to be closed; returns it. */
    public synchronized <T extends AutoCloseable> T add(T c) {
        open.push(c);
        return c;
    }

    /** Registers a shutdown action (an executor's {@code shutdownNow}, say). */
    public synchronized void onClose(Runnable action) {
        open.push(action::run);
    }

    @Override
    public void close() {
        while (true) {
            AutoCloseable c;
            synchronized (this) {
                c = open.poll();
            }
            if (c == null) {
                return;
            }
            try {
                c.close();
            } catch (Exception | Error e) {
                log.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }
}
