package io.cattlepi.ci.concurrent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads: a thread dump names the pool, and no pool keeps the JVM alive on shutdown. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * At most {@code max} threads at once, each ended after a minute without work: unlike a fixed
     * pool, a pool sized for the worst case (every Pi reset at once) does not keep that many
     * threads, and their stacks, for the life of a controller that fits in 128 MB.
     */
    public static ExecutorService pool(String name, int max) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(max, max, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                named(name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    public static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
