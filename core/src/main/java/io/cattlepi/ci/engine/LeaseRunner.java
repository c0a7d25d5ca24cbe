package io.cattlepi.ci.engine;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.build.BuildWork;
import io.cattlepi.ci.build.Lease;
import io.cattlepi.ci.build.WorkOutcome;
import io.cattlepi.ci.build.run.LogText;
import io.cattlepi.ci.build.run.ResultFile;
import io.cattlepi.ci.crash.CrashPoint;
import io.cattlepi.ci.fleet.FleetMonitor;
import io.cattlepi.ci.fleet.Observation;
import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.fleet.VitalsBoard;
import io.cattlepi.ci.metrics.EngineMetrics;
import io.cattlepi.ci.report.BuildPublisher;
import io.cattlepi.ci.report.FolderPublisher;
import io.cattlepi.ci.report.ReportException;
import io.cattlepi.ci.report.StatusPublisher;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one lease from {@code scheduled} to {@code finishing}: marks the build running, posts
 * {@code pending}, runs the work while re-publishing its log every few seconds, commits the
 * outcome and hands the Pi back to the fleet (to reset, or to be probed first when the end was
 * suspect), then asks the finisher to settle the rest.
 */
public final class LeaseRunner {
    private static final Logger log = LoggerFactory.getLogger(LeaseRunner.class);
    private static final String STOPPING = "the controller stopped during the build";

    private final Store store;
    private final BuildWork work;
    private final FolderPublisher publisher;
    private final StatusPublisher statuses;
    private final FleetMonitor fleet;
    private final Finisher finisher;
    private final StatusText text;
    private final EngineSettings settings;
    private final ScheduledExecutorService timer;
    private final EngineMetrics metrics;
    private final Map<String, CancellationToken> running = new ConcurrentHashMap<>();
    private final Probe probe;
    private final WorkersConfigCheck workersConfig;
    private volatile boolean stopping;

    public LeaseRunner(Store store, BuildWork work, FolderPublisher publisher, StatusPublisher statuses,
                       FleetMonitor fleet, Finisher finisher, EngineSettings settings,
                       ScheduledExecutorService timer, EngineMetrics metrics, Probe probe,
                       WorkersConfigCheck workersConfig) {
        this.probe = probe;
        this.workersConfig = workersConfig;
        this.store = store;
        this.work = work;
        this.publisher = publisher;
        this.statuses = statuses;
        this.fleet = fleet;
        this.finisher = finisher;
        this.text = new StatusText(settings, publisher);
        this.settings = settings;
        this.timer = timer;
        this.metrics = metrics;
    }

    /** Builds currently running in this process. */
    public int runningCount() {
        return running.size();
    }

    /**
     * Stops a build running here: its process tree is killed and it ends {@code error} with
     * {@code description}. Returns false when it is not running in this process.
     */
    public boolean cancel(String buildId, String description) {
        CancellationToken token = running.get(buildId);
        if (token == null) {
            return false;
        }
        token.cancel(description);
        return true;
    }

    /**
     * The controller is stopping: running builds are killed and left {@code running} in the store,
     * as after a crash, so the next start runs them again (or ends them) and resets their Pis.
     */
    public void stopAll() {
        stopping = true;
        running.values().forEach(t -> t.cancel(STOPPING));
    }

    public void run(Lease lease) {
        String id = lease.build().id();
        if (drifted("before build " + id).isPresent()) {
            requeue(lease, "the workers' config had drifted: its Pi is reset first");
            return;
        }
        CancellationToken token = new CancellationToken();
        running.put(id, token);
        // Registered before the start is committed: a cancel asked from now on either finds the
        // token or is read by this transaction.
        Build started = store.write(tx -> {
            Build b = tx.build(id).orElse(null);
            if (b == null || b.state() != BuildState.SCHEDULED) {
                return null;
            }
            tx.cancelRequest(id).ifPresent(token::cancel);
            Build r = b.started(tx.now());
            tx.buildChanged(b, r);
            return r;
        });
        if (started == null) {
            running.remove(id);
            return;
        }
        metrics.dispatchLatency().observe(seconds(Duration.between(started.createdAt(), started.startedAt())));
        WorkOutcome outcome;
        Path folder = settings.workspaces().resolve(id);
        ScheduledFuture<?> uploads = null;
        try {
            Files.createDirectories(folder);
            postPending(started);
            uploads = timer.scheduleWithFixedDelay(() -> publishQuietly(id, folder),
                    0, settings.logUploadEvery().toMillis(), TimeUnit.MILLISECONDS);
            // From here on, what the Pi's firmware flags is this build's (see strain).
            probe.board().watch(lease.worker().id());
            CrashPoint.reach(CrashPoint.CHECKING_OUT);
            outcome = token.cancelled() ? WorkOutcome.error(token.reason())
                    : work.run(new Lease(started, lease.worker()), folder, token);
        } catch (IOException | RuntimeException e) {
            log.error("build {} failed in the controller", id, e);
            outcome = WorkOutcome.error("controller error: " + e.getMessage());
        } catch (InterruptedException e) {
            // The controller is stopping: the build is re-run after the restart (Reconciler).
            Thread.currentThread().interrupt();
            outcome = WorkOutcome.error("interrupted: the controller is stopping");
        } catch (Exception e) {
            outcome = WorkOutcome.error("controller error: " + e.getMessage());
        } finally {
            if (uploads != null) {
                uploads.cancel(false);
            }
            running.remove(id);
        }
        if (stopping && (token.cancelled() || Thread.currentThread().isInterrupted())) {
            log.info("build {} stopped with the controller; the next start runs it again or ends it", id);
            return;
        }
        if (token.cancelled()) {
            // Whatever the killed steps printed, the build ends because it was cancelled; the
            // recipe may have been rebooting the Pi, so the Pi is probed before its reset.
            outcome = WorkOutcome.error(token.reason());
        }
        if (outcome.result() == BuildResult.FAILURE) {
            outcome = blameThePi(lease, outcome);
        }
        VitalsBoard.Strain strain = strain(lease, folder, outcome.piSuspect());
        if (!strain.statusSuffix().isEmpty()) {
            outcome = new WorkOutcome(outcome.result(), StatusText.withSuffix(outcome.description(), strain.statusSuffix()),
                    outcome.piSuspect());
        }
        WorkOutcome end = outcome;
        try {
            // What S3 keeps must say what the status says.
            ResultFile.amend(folder, end, store.clock());
        } catch (IOException e) {
            log.warn("build {}: its result file could not be amended: {}", id, e.getMessage());
        }
        Build finished = store.write(tx -> {
            Build b = tx.build(id).orElseThrow();
            Build f = b.finished(end.result(), end.description(), tx.now());
            tx.buildChanged(b, f);
            tx.forgetCancel(id);
            return f;
        });
        if (finished.startedAt() != null) {
            metrics.buildDuration().observe(seconds(Duration.between(finished.startedAt(), finished.finishedAt())));
        }
        log.info("build {} on {}: {} ({})", id, lease.worker().id(), end.result().wireName(), end.description());
        drifted("after build " + id).ifPresent(fields -> store.note(Event.BUILD, id, "workers-config-drift",
                "the workers' CattlePi config changed while this build ran (" + fields
                        + "); it was put back and the ready Pis reset"));
        fleet.leaseEnded(lease.worker().id(), end.piSuspect(), "build " + id + " ended: " + end.result().wireName(),
                strain);
        finisher.settleSoon(id, Duration.ZERO);
    }

    /** The workers' config checked; a check that cannot run (API down) is logged and does not hold builds. */
    private Optional<String> drifted(String when) {
        try {
            return workersConfig.check();
        } catch (Exception e) {
            log.warn("the workers' config could not be checked {}: {}", when, e.getMessage());
            return Optional.empty();
        }
    }

    /** The build goes back to the queue and its Pi through reset; it runs on a Pi that booted an approved config. */
    private void requeue(Lease lease, String why) {
        String id = lease.build().id();
        store.write(tx -> {
            tx.build(id).filter(b -> b.state() == BuildState.SCHEDULED)
                    .ifPresent(b -> tx.buildChanged(b, b.requeued(why)));
            return null;
        });
        fleet.leaseEnded(lease.worker().id(), false, "build " + id + " requeued: " + why);
    }

    /**
     * A step that failed because the Pi died (power loss, crash) is not the commit's fault: if the
     * Pi does not answer now, the build ends in error and the Pi is probed before reuse. The pin is
     * cleared for this probe: the recipe's own reboots gave the Pi new host keys.
     */
    private WorkOutcome blameThePi(Lease lease, WorkOutcome failed) {
        Observation seen = probe.probe(lease.worker().withHostKey(null));
        if (seen.alive()) {
            return failed;
        }
        return new WorkOutcome(BuildResult.ERROR, "Pi " + lease.worker().id()
                + " stopped answering during the build (" + failed.description() + ")", true);
    }

    /**
     * What the Pi's firmware flagged during the build: the readings taken while it ran (the boot
     * watch probes it) and one now, at its end, before the reset reboots the Pi and clears the
     * since-boot flags. Anything flagged gets a line in the build's log. The pin is cleared for
     * this reading, as for {@link #blameThePi}. A Pi in doubt (it stopped answering, or the build
     * was stopped mid-recipe) is not read again here: that would wait out one more connect timeout
     * for a Pi the fleet probes next anyway.
     */
    private VitalsBoard.Strain strain(Lease lease, Path folder, boolean piInDoubt) {
        String pi = lease.worker().id();
        if (!piInDoubt) {
            probe.vitals(lease.worker().withHostKey(null));
        }
        VitalsBoard.Strain strain = probe.board().endWatch(pi);
        String line = strain.logLine(pi);
        if (line != null) {
            log.warn("build {}: {}", lease.build().id(), line);
            try {
                Files.writeString(folder.resolve(BuildPublisher.LOG_NAME), store.clock().instant() + " ci | "
                        + LogText.escape(line) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                log.warn("build {}: its log could not be amended: {}", lease.build().id(), e.getMessage());
            }
        }
        return strain;
    }

    /** In the background: the build never waits for GitHub, and a failed post is retried while it runs. */
    private void postPending(Build b) {
        finisher.postPending(b, text.pending(b));
    }

    private void publishQuietly(String id, Path folder) {
        try {
            publisher.publish(id, folder);
        } catch (ReportException | RuntimeException e) {
            log.debug("interim upload of build {} failed: {}", id, e.getMessage());
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
