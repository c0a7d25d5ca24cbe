package io.cattlepi.ci.demo;

import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's story of the builds, read from the controller's store: a line for each build it
 * finishes and for each boot test it ends, and a summary once the sample builds it fed are done.
 */
final class BuildLines implements AutoCloseable {
    private static final Duration EVERY = Duration.ofMillis(250);
    private static final int RECENT = 100;

    private final StoreView view;
    private final PrintWriter out;
    private final Set<String> buildsSaid = new HashSet<>();
    private final Set<String> bootTestsSaid = new HashSet<>();
    private final List<String> fed = new ArrayList<>();
    private final long startedNanos;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-build-lines");
        t.setDaemon(true);
        return t;
    });
    private boolean summarised;

    BuildLines(StoreView view, PrintWriter out, long startedNanos) {
        this.view = view;
        this.out = out;
        this.startedNanos = startedNanos;
    }

    /** Starts saying what finishes, from now on, in the background. */
    BuildLines start() {
        timer.scheduleWithFixedDelay(this::sayQuietly, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The sample pull requests' head commits, summarised once all their builds are done. */
    synchronized void fed(List<String> shas) {
        fed.addAll(shas);
    }

    /** Whether every fed commit has a finished build (said and summarised by then). */
    synchronized boolean fedDone() {
        say();
        return summarised;
    }

    private void sayQuietly() {
        try {
            synchronized (this) {
                say();
            }
        } catch (RuntimeException e) {
            // The store is closing with the demo: nothing more to say.
        }
    }

    private void say() {
        List<Build> recent = view.recent(RECENT);
        for (int i = recent.size() - 1; i >= 0; i--) {
            Build b = recent.get(i);
            if (b.state() == BuildState.DONE && buildsSaid.add(b.id())) {
                out.println(line(b));
                if (b.result() != BuildResult.SUCCESS) {
                    bootTestsSaid.add(b.id()); // a boot test follows passing steps only
                }
            }
            if (buildsSaid.contains(b.id()) && !bootTestsSaid.contains(b.id())) {
                view.bootTest(b.id()).filter(t -> t.result() != null).ifPresent(t -> {
                    bootTestsSaid.add(b.id());
                    out.println(bootTestLine(t));
                });
            }
        }
        if (!summarised && !fed.isEmpty()) {
            Map<String, Build> done = new LinkedHashMap<>();
            for (String sha : fed) {
                view.buildsOf(sha).stream().filter(b -> b.state() == BuildState.DONE).findFirst()
                        .ifPresent(b -> done.put(sha, b));
            }
            if (done.size() == fed.size()) {
                summarised = true;
                out.println(summary(done.values()));
            }
        }
        out.flush();
    }

    private static String line(Build b) {
        StringBuilder s = new StringBuilder("build ").append(b.id());
        if (b.prNumber() != null) {
            s.append(", pull request #").append(b.prNumber());
        } else if (b.event() != null) {
            s.append(", ").append(b.event());
        }
        s.append(" (").append(b.sha() == null ? "?" : b.sha().substring(0, Math.min(7, b.sha().length()))).append(")");
        if (b.workerId() != null) {
            s.append(" on ").append(b.workerId());
        }
        s.append(": ").append(b.result() == null ? "done" : b.result().wireName());
        if (b.startedAt() != null && b.finishedAt() != null) {
            s.append(" after ").append(seconds(Duration.between(b.startedAt(), b.finishedAt())));
        }
        if (b.description() != null && !b.description().isEmpty()) {
            s.append(" (").append(b.description()).append(")");
        }
        return s.toString();
    }

    private static String bootTestLine(BootTestRecord t) {
        return "  its " + t.context() + ": " + t.result().wireName()
                + (t.description() == null || t.description().isEmpty() ? "" : " (" + t.description() + ")");
    }

    private String summary(Iterable<Build> done) {
        Map<String, Integer> byResult = new LinkedHashMap<>();
        int n = 0;
        for (Build b : done) {
            n++;
            byResult.merge(b.result() == null ? "done" : b.result().wireName(), 1, Integer::sum);
        }
        List<String> counts = new ArrayList<>();
        for (BuildResult r : BuildResult.values()) {
            Integer c = byResult.get(r.wireName());
            if (c != null) {
                counts.add(c + " " + r.wireName());
            }
        }
        return String.format(Locale.ROOT, "cattlepi-ci demo: the %d sample build%s done after %s: %s", n,
                n == 1 ? " is" : "s are", seconds(Duration.ofNanos(System.nanoTime() - startedNanos)),
                String.join(", ", counts));
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
