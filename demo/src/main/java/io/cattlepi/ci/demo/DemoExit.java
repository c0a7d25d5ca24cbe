package io.cattlepi.ci.demo;

import io.cattlepi.ci.build.run.FileTrees;
import io.cattlepi.ci.wiring.Closer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * How the demo ends, whether it returns or gets Ctrl-C or SIGTERM: what it started is closed newest
 * first and its temp folder removed. Registered before anything starts, so a signal during the
 * start cleans up too. On a signal the orderly stop gets {@link #SIGNAL_LIMIT}; whatever still
 * runs then (a build's processes, a server slow to stop) is killed with this JVM, its child
 * processes first, because nobody waits for a demo's state.
 */
final class DemoExit implements AutoCloseable {
    /** The stop's share of the two seconds Ctrl-C may take; the rest is deleting and the JVM's exit. */
    static final Duration SIGNAL_LIMIT = Duration.ofMillis(1000);

    /** Thrown to the starting thread when a signal came first: the demo is ending, quietly. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("the demo is stopping", null, false, false);
        }
    }

    private final Path dir;
    private final PrintWriter err;
    private final Closer open = new Closer();
    /** Paths outside {@link #dir} that parts made for themselves (the simulated rack's folder, its key). */
    private final List<Path> alsoRemoved = new CopyOnWriteArrayList<>();
    private final Thread hook;
    private volatile boolean stopping;

    private DemoExit(Path dir, PrintWriter err) {
        this.dir = dir;
        this.err = err;
        this.hook = new Thread(this::onSignal, "demo-exit");
    }

    /** A temp folder for the demo's files, removed on exit however it comes. */
    static DemoExit start(String prefix, PrintWriter err) throws IOException {
        DemoExit exit = new DemoExit(Files.createTempDirectory(prefix), err);
        Runtime.getRuntime().addShutdownHook(exit.hook);
        return exit;
    }

    Path dir() {
        return dir;
    }

    /** Removes {@code path} on exit too: a signal may not leave its owner the time to close. */
    void alsoRemove(Path path) {
        alsoRemoved.add(path);
    }

    /** Registers {@code c} to be closed on exit; if the demo is already stopping, closes it and throws {@link Stopped}. */
    <T extends AutoCloseable> T add(T c) {
        open.add(c);
        if (stopping) {
            open.close();
            throw new Stopped();
        }
        return c;
    }

    boolean stopping() {
        return stopping;
    }

    /** The demo returned: stop everything (no hurry) and remove the folder. */
    @Override
    public void close() {
        stopping = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook does it
            return;
        }
        open.close();
        FileTrees.deleteQuietly(dir);
        alsoRemoved.forEach(FileTrees::deleteQuietly);
    }

    private void onSignal() {
        stopping = true;
        long started = System.nanoTime();
        Thread stop = new Thread(open::close, "demo-stop");
        stop.setDaemon(true);
        stop.start();
        try {
            stop.join(SIGNAL_LIMIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean stopped = !stop.isAlive();
        if (!stopped) {
            // What still runs dies with this JVM in a moment; its complaints about the folder going are no news.
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        }
        // Only this JVM's own children (a build's make, ssh, git): they would outlive it otherwise.
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        FileTrees.deleteQuietly(dir);
        alsoRemoved.forEach(FileTrees::deleteQuietly);
        err.printf("cattlepi-ci demo: %s in %d ms; %s removed%n", stopped ? "stopped" : "stopped what it could",
                (System.nanoTime() - started) / 1_000_000, dir);
        err.flush();
    }
}
