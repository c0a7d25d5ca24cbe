package io.cattlepi.ci.engine;

import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.crash.CrashPoint;
import io.cattlepi.ci.intake.QueueException;
import io.cattlepi.ci.intake.WorkQueue;
import io.cattlepi.ci.report.BuildPublisher;
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
import java.time.Duration;
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
        try {
            timer.schedule(() -> submit(buildId), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("engine stopping; build {} is settled at the next start", buildId);
        }
    }

    private void submit(String buildId) {
        if (!inFlight.add(buildId)) {
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    settle(buildId);
                } catch (RuntimeException e) {
                    log.error("settling build {} failed unexpectedly", buildId, e);
                    retryLater(buildId, e.toString());
                } finally {
                    inFlight.remove(buildId);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(buildId);
        }
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
            try {
                statuses.post(b.repository(), b.sha(), text.finalStatus(b));
                b = update(buildId, x -> x.withPostedStatus(x.result().wireName()));
            } catch (ReportException e) {
                if (e.retryable() && !giveUp) {
                    retryLater(buildId, "posting status: " + e.getMessage());
                    return;
                }
                note(buildId, "status-failed", "final status could not be posted: " + e.getMessage());
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
                b = update(buildId, Build::withMessageDeleted);
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
        return store.write(tx -> {
            Build before = tx.build(buildId).orElseThrow();
            Build after = change.apply(before);
            tx.buildChanged(before, after);
            return after;
        });
    }

    private void retryLater(String buildId, String why) {
        int n = failures.merge(buildId, 1, Integer::sum);
        Duration delay = backoff.delay(n - 1);
        log.warn("build {}: {}; retrying in {} s (attempt {} of {})", buildId, why, delay.toSeconds(), n,
                settings.settleAttempts());
        note(buildId, "settle-retry", why);
        settleSoon(buildId, delay);
    }

    private void note(String buildId, String kind, String detail) {
        store.write(tx -> {
            tx.append(Event.BUILD, buildId, kind, detail);
            return null;
        });
    }
}
