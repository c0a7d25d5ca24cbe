package io.cattlepi.ci.build.run;

import io.cattlepi.ci.crash.CrashPoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one process from an argument list (never a shell string) with exactly the given
 * environment, its output line by line into the build log. On timeout or cancellation the whole
 * process tree gets TERM, then KILL after a grace period: a recipe's ssh or sleep children must
 * not outlive the build.
 */
public final class StepRunner {
    /** Longer output lines are cut (with a marker) before they reach the log: a bound per line, not per heap. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024;

    private final Clock clock;
    private final Duration killGrace;
    private final BoundedLines lines;

    public StepRunner(Clock clock, Duration killGrace) {
        this(clock, killGrace, DEFAULT_MAX_LINE_BYTES);
    }

    public StepRunner(Clock clock, Duration killGrace, int maxLineBytes) {
        this.clock = clock;
        this.killGrace = killGrace;
        this.lines = new BoundedLines(maxLineBytes);
    }

    /**
     * @param cancelled polled while waiting; true stops the process tree
     */
    public StepResult run(List<String> argv, Path dir, Map<String, String> env, Duration timeout, StepOutput log,
                          String source, BooleanSupplier cancelled) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Instant start = clock.instant();
        Process p = pb.start();
        if (source.equals("out")) {
            CrashPoint.reach(CrashPoint.STEP_RUNNING);
        }
        CountDownLatch drained = new CountDownLatch(2);
        pump(p.getInputStream(), log, source, drained);
        pump(p.getErrorStream(), log, source.equals("out") ? "err" : source, drained);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean timedOut = false;
        boolean wasCancelled = false;
        while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
            if (cancelled.getAsBoolean()) {
                wasCancelled = true;
                break;
            }
            if (System.nanoTime() >= deadline) {
                timedOut = true;
                break;
            }
        }
        if (timedOut || wasCancelled) {
            killTree(p);
        }
        // Output of a killed tree may never reach end of stream (an orphan holding the pipe): bounded wait.
        drained.await(killGrace.toMillis() + 1000, TimeUnit.MILLISECONDS);
        int code = timedOut || wasCancelled ? -1 : p.exitValue();
        return new StepResult(List.copyOf(argv), code, timedOut, wasCancelled, Duration.between(start, clock.instant()));
    }

    /** TERM to every descendant and the process, KILL to whatever is left after the grace period. */
    void killTree(Process p) throws InterruptedException {
        List<ProcessHandle> tree = p.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        p.destroy();
        long until = System.nanoTime() + killGrace.toNanos();
        for (ProcessHandle h : java.util.stream.Stream.concat(tree.stream(), java.util.stream.Stream.of(p.toHandle())).toList()) {
            long left = until - System.nanoTime();
            if (left > 0) {
                try {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // killed below
                }
            }
        }
        // Children started during the grace period are caught here too.
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(killGrace.toMillis() + 1000, TimeUnit.MILLISECONDS);
    }

    private void pump(InputStream in, StepOutput log, String source, CountDownLatch done) {
        Thread t = new Thread(() -> {
            try (in) {
                lines.read(in, line -> log.line(source, line));
            } catch (IOException e) {
                // the process is gone; nothing more to read
            } finally {
                done.countDown();
            }
        }, "step-output");
        t.setDaemon(true);
        t.start();
    }
}
