package io.cattlepi.ci.engine.rig;

import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildWork;
import io.cattlepi.ci.build.Lease;
import io.cattlepi.ci.build.WorkOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Build work decided by the commit: an outcome per sha (success by default), optionally held until released. */
public final class ScriptedWork implements BuildWork {
    private final Map<String, WorkOutcome> outcomes = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();
    private final Ledger ledger;

    public ScriptedWork(Ledger ledger) {
        this.ledger = ledger;
    }

    public void outcome(String sha, WorkOutcome outcome) {
        outcomes.put(sha, outcome);
    }

    /** The build of {@code sha} waits, once started, until {@link #release}. */
    public void hold(String sha) {
        holds.put(sha, new CountDownLatch(1));
    }

    public void release(String sha) {
        holds.getOrDefault(sha, new CountDownLatch(0)).countDown();
    }

    public boolean awaitStarted(String sha, long seconds) throws InterruptedException {
        return started.computeIfAbsent(sha, s -> new CountDownLatch(1)).await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public WorkOutcome run(Lease lease, Path folder, Cancellation cancellation) throws Exception {
        String sha = lease.build().sha();
        ledger.record("work " + sha + " on " + lease.worker().id());
        started.computeIfAbsent(sha, s -> new CountDownLatch(1)).countDown();
        CountDownLatch hold = holds.get(sha);
        if (hold != null) {
            while (!hold.await(20, TimeUnit.MILLISECONDS)) {
                if (cancellation.cancelled()) {
                    return WorkOutcome.error("cancelled");
                }
            }
        }
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("build.log"), "built " + sha + "\n");
        return outcomes.getOrDefault(sha, new WorkOutcome(BuildResult.SUCCESS, "all steps passed", false));
    }
}
