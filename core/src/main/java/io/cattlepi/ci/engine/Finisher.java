package io.cattlepi.ci.engine;

import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.crash.CrashPoint;
import io.cattlepi.ci.intake.QueueException;
import io.cattlepi.ci.intake.WorkQueue;
import io.cattlepi.ci.report.BuildPublisher;
import io.cattlepi.ci.report.CommitStatus;
import io.cattlepi.ci.report.FolderPublisher;
import io.cattlepi.ci.report.ReportException;
import io.cattlepi.ci.report.StatusPublisher;
import io.cattlepi.ci.retry.Backoff;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles finished builds, in the order a reader of the pull request needs: the final log and
 * index are published, then the final status is posted (and the boot test's, on its own context),
 * then the SQS message is deleted, then the build is {@code done}. Each completed step is committed, so after a crash only the
 * missing steps run again. Failures of S3, GitHub or SQS are retried with back-off and never
 * hold a Pi: the Pi was released when the work ended.
 *
 * <p>It also posts running builds' {@code pending} statuses in the background, retried while the
 * build runs and never after its final status, so a GitHub outage never stops a build. Retries
 * wait what they say on the store's clock: sweeps ({@link #settleAll}, run at every admitted
 * message) never bring one forward.
 */
public final class Finisher {
    private static final Logger log = LoggerFactory.getLogger(Finisher.class);

    private final Store store;
    private final FolderPublisher publisher;
    private final StatusPublisher statuses;
    private final WorkQueue queue;
    private final StatusText text;
    private final EngineSettings settings;
    private final ScheduledExecutorService timer;
    private final ExecutorService pool;
    private final Backoff backoff = Backoff.exponential(Duration.ofSeconds(2), Duration.ofMinutes(10));
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    /** When each failed build may be tried again, on the store's clock. */
    private final Map<String, Instant> retryAt = new ConcurrentHashMap<>();
    private final Map<String, Integer> pendingFailures = new ConcurrentHashMap<>();
    /** Per build: a pending post and the final post never overlap, so the final one is GitHub's last word. */
    private final Map<String, Object> statusLocks = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private final Clock clock;
    private volatile Consumer<String> afterSettle = id -> { };

    public Finisher(Store store, FolderPublisher publisher, StatusPublisher statuses, WorkQueue queue,
                    EngineSettings settings, ScheduledExecutorService timer, ExecutorService pool) {
        this(store, publisher, statuses, queue, settings, new StatusText(settings, publisher), timer, pool);
    }

    Finisher(Store store, FolderPublisher publisher, StatusPublisher statuses, WorkQueue queue,
             EngineSettings settings, StatusText text, ScheduledExecutorService timer, ExecutorService pool) {
        this.store = store;
        this.publisher = publisher;
        this.statuses = statuses;
        this.queue = queue;
        this.settings = settings;
        this.text = text;
        this.timer = timer;
        this.pool = pool;
        this.clock = store.clock();
    }

    /** Called with the build id after each build reached {@code done} (tests and the UI wait on it). */
    public void afterSettle(Consumer<String> r) {
        this.afterSettle = r;
    }

    /** Settles every finishing build (start-up, and a periodic sweep). */
    public void settleAll() {
        for (Build b : store.read(tx -> tx.buildsIn(BuildState.FINISHING))) {
            settleSoon(b.id(), Duration.ZERO);
        }
    }

    public void settleSoon(String buildId, Duration delay) {
        queued.incrementAndGet();
        try {
            timer.schedule(() -> {
                try {
                    submit(buildId);
                } finally {
                    queued.decrementAndGet();
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet();
            log.debug("engine stopping; build {} is settled at the next start", buildId);
        }
    }

    /** True when nothing is waiting to be tried now or being tried (retries due later do not count); tests wait on it. */
    public boolean idle() {
        return queued.get() == 0 && inFlight.isEmpty();
    }

    /** The back-off's timer: a retry that comes early on the store's clock waits the rest. */
    private void retryDue(String buildId) {
        Instant due = retryAt.get(buildId);
        Duration left = due == null ? Duration.ZERO : Duration.between(clock.instant(), due);
        if (!left.isNegative() && !left.isZero()) {
            try {
                timer.schedule(() -> retryDue(buildId), left.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                log.debug("engine stopping; build {} is settled at the next start", buildId);
            }
            return;
        }
        settleSoon(buildId, Duration.ZERO);
    }

    private void submit(String buildId) {
        Instant due = retryAt.get(buildId);
        if (due != null && clock.instant().isBefore(due)) {
            return; // backing off: its own timer brings it back when due
        }
        if (!inFlight.add(buildId)) {
            return;
        }
        queued.incrementAndGet();
        try {
            pool.execute(() -> {
                try {
                    settle(buildId);
                } catch (RuntimeException e) {
                    log.debug("settling build {} failed", buildId, e);
                    retryLater(buildId, e.toString());
                } finally {
                    inFlight.remove(buildId);
                    queued.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(buildId);
            queued.decrementAndGet();
        }
    }

    /**
     * Posts a running build's {@code pending} status in the background; a failure is retried with
     * back-off while the build runs, and the build never waits for it.
     */
    public void postPending(Build b, CommitStatus pending) {
        queued.incrementAndGet();
        try {
            pool.execute(() -> {
                try {
                    tryPending(b, pending);
                } finally {
                    queued.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet();
        }
    }

    private void tryPending(Build b, CommitStatus pending) {
        String why;
        boolean retryable;
        synchronized (statusLock(b.id())) {
            Build now = store.read(tx -> tx.build(b.id())).orElse(null);
            if (now == null || (now.state() != BuildState.RUNNING && now.state() != BuildState.SCHEDULED)) {
                pendingFailures.remove(b.id());
                return; // ended meanwhile: its final status is the one that counts
            }
            try {
                statuses.post(b.repository(), b.sha(), pending);
                update(b.id(), x -> x.withPostedStatus("pending"), "status", "pending posted: " + pending.description());
                pendingFailures.remove(b.id());
                return;
            } catch (ReportException e) {
                why = e.getMessage();
                retryable = e.retryable();
                log.debug("posting pending for build {} failed", b.id(), e);
            } catch (RuntimeException e) {
                why = e.toString();
                retryable = true;
                log.debug("posting pending for build {} failed", b.id(), e);
            }
        }
        int n = pendingFailures.merge(b.id(), 1, Integer::sum);
        if (!retryable || n >= settings.settleAttempts()) {
            log.warn("build {}: pending status not posted ({}); the build goes on, its final status is still posted", b.id(), why);
            note(b.id(), "status-failed", "pending status not posted: " + why);
            pendingFailures.remove(b.id());
            return;
        }
        Duration delay = backoff.delay(n - 1);
        log.warn("build {}: pending status not posted ({}); retrying in {} s while it runs", b.id(), why, delay.toSeconds());
        note(b.id(), "status-retry", "pending status not posted: " + why + "; retrying in " + delay.toSeconds() + " s");
        try {
            timer.schedule(() -> postPending(b, pending), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("engine stopping; pending status of build {} not retried", b.id());
        }
    }

    private Object statusLock(String buildId) {
        return statusLocks.computeIfAbsent(buildId, k -> new Object());
    }

    private void settle(String buildId) {
        Build b = store.read(tx -> tx.build(buildId)).orElse(null);
        if (b == null || b.state() != BuildState.FINISHING) {
            return;
        }
        boolean giveUp = failures.getOrDefault(buildId, 0) >= settings.settleAttempts();
        Path folder = settings.workspaces().resolve(buildId);
        if (!Files.isDirectory(folder)) {
            neverRan(b, folder);
        }
        if (Files.isDirectory(folder)) {
            CrashPoint.reach(CrashPoint.UPLOADING);
            try {
                publisher.publish(buildId, folder);
            } catch (ReportException e) {
                if (e.retryable() && !giveUp) {
                    retryLater(buildId, "publishing logs: " + e.getMessage());
                    return;
                }
                note(buildId, "publish-failed", e.getMessage());
            }
        }
        if (!b.result().wireName().equals(b.postedStatus())) {
            Build posting = b;
            String failed = null;
            boolean retryable = true;
            synchronized (statusLock(buildId)) {
                try {
                    CommitStatus status = text.finalStatus(posting);
                    statuses.post(posting.repository(), posting.sha(), status);
                    b = update(buildId, x -> x.withPostedStatus(x.result().wireName()), "status",
                            "final status " + posting.result().wireName() + " posted: " + status.description());
                } catch (ReportException e) {
                    failed = e.getMessage();
                    retryable = e.retryable();
                    log.debug("posting the final status of build {} failed", buildId, e);
                } catch (RuntimeException e) {
                    failed = e.toString();
                    log.debug("posting the final status of build {} failed", buildId, e);
                }
            }
            if (failed != null) {
                if (retryable && !giveUp) {
                    retryLater(buildId, "posting status: " + failed);
                    return;
                }
                log.warn("build {}: final status could not be posted: {}", buildId, failed);
                note(buildId, "status-failed", "final status could not be posted: " + failed);
            }
        }
        BootTestRecord battery = store.read(tx -> tx.bootTest(buildId)).orElse(null);
        if (battery != null && battery.finalStatusOwed()) {
            try {
                statuses.post(b.repository(), b.sha(), text.bootTest(b, battery));
                store.write(tx -> {
                    tx.bootTest(buildId).ifPresent(t -> tx.putBootTest(t.withPostedStatus(t.result().wireName())));
                    return null;
                });
            } catch (ReportException e) {
                if (e.retryable() && !giveUp) {
                    retryLater(buildId, "posting the boot test's status: " + e.getMessage());
                    return;
                }
                note(buildId, "status-failed", "the boot test's final status could not be posted: " + e.getMessage());
            }
        }
        if (b.messageId() != null && b.receiptHandle() != null && !b.messageDeleted()) {
            try {
                CrashPoint.reach(CrashPoint.DELETING);
                queue.delete(b.receiptHandle());
                b = update(buildId, Build::withMessageDeleted, "message-deleted", "SQS message " + b.messageId() + " deleted");
            } catch (QueueException e) {
                if (!e.staleHandle() && !giveUp) {
                    retryLater(buildId, "deleting message: " + e.getMessage());
                    return;
                }
                note(buildId, "delete-deferred",
                        "message handle expired; the redelivered message is deleted when it arrives");
            }
        }
        update(buildId, x -> x.withState(BuildState.DONE, x.description()));
        failures.remove(buildId);
        retryAt.remove(buildId);
        statusLocks.remove(buildId);
        afterSettle.accept(buildId);
    }

    /**
     * A build that ends without having run (superseded, refused, lost) still gets a log saying why,
     * so the status's link to its published page never points at nothing.
     */
    private static void neverRan(Build b, Path folder) {
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(BuildPublisher.LOG_NAME), "build " + b.id() + " ended without running: "
                    + b.description() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("build {}: cannot write its log: {}", b.id(), e.getMessage());
        }
    }

    private Build update(String buildId, java.util.function.UnaryOperator<Build> change) {
        return update(buildId, change, null, null);
    }

    /** Changes the build and, if {@code kind} is given, records what happened in its history: one transaction. */
    private Build update(String buildId, java.util.function.UnaryOperator<Build> change, String kind, String detail) {
        return store.write(tx -> {
            Build before = tx.build(buildId).orElseThrow();
            Build after = change.apply(before);
            tx.buildChanged(before, after);
            if (kind != null) {
                tx.append(Event.BUILD, buildId, kind, detail);
            }
            return after;
        });
    }

    /** One WARN line, no stack trace (that is at DEBUG), and the retry waits what the line says. */
    private void retryLater(String buildId, String why) {
        int n = failures.merge(buildId, 1, Integer::sum);
        Duration delay = backoff.delay(n - 1);
        retryAt.put(buildId, clock.instant().plus(delay));
        log.warn("build {}: {}; retrying in {} s (attempt {} of {})", buildId, why, delay.toSeconds(), n,
                settings.settleAttempts());
        note(buildId, "settle-retry", why + "; retrying in " + delay.toSeconds() + " s");
        try {
            timer.schedule(() -> retryDue(buildId), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("engine stopping; build {} is settled at the next start", buildId);
        }
    }

    private void note(String buildId, String kind, String detail) {
        store.note(Event.BUILD, buildId, kind, detail);
    }
}
