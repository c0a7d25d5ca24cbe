package io.cattlepi.ci.retention;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's hourly clean-up, so neither the bucket nor the store grows forever: prunes the
 * audit trail, deletes the S3 folders of builds that finished long ago, then removes old finished
 * builds from the store. A build that still owes anything (its SQS message, a status, a boot test's
 * restore, an S3 folder due for deletion) is never removed. A run never throws: what failed is logged,
 * counted and tried again at the next run.
 */
public final class Retention {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    /** Kept values counting pruned builds by result, so {@code cattlepi_ci_builds_total} never goes down. */
    public static final String PRUNED_RESULTS = "retention.pruned_builds.";
    /** Folders one run deletes at most: a first run on a large bucket spreads over several hours. */
    static final int FOLDERS_PER_RUN = 500;
    /** S3 failures after which a run stops trying (S3 is down; the next run tries again). */
    static final int FAILURES_PER_RUN = 3;
    /** Builds removed per transaction: the scheduler never waits long for the store. */
    static final int BUILDS_PER_TRANSACTION = 200;

    /** What one run removed and how often it failed. */
    public record Run(int eventsPruned, int foldersDeleted, long objectsDeleted, int buildsPruned, int failures) {
    }

    private final Store store;
    private final BuildFolders folders;
    private final RetentionSettings settings;
    private final RetentionCounters counters;
    private final Clock clock;

    /** @param folders the logs' bucket; null when builds publish nowhere (their folders are not retention's) */
    public Retention(Store store, BuildFolders folders, RetentionSettings settings, RetentionCounters counters, Clock clock) {
        this.store = store;
        this.folders = folders;
        this.settings = settings;
        this.counters = counters;
        this.clock = clock;
    }

    /** Runs now, then every {@link RetentionSettings#EVERY} on {@code timer}. */
    public void start(ScheduledExecutorService timer) {
        long every = RetentionSettings.EVERY.toMinutes();
        timer.scheduleWithFixedDelay(this::run, 0, every, TimeUnit.MINUTES);
    }

    /** One pass. Never throws: a timer's task that throws is never run again. */
    public Run run() {
        int failures = 0;
        int events = 0;
        try {
            events = settings.events().prune(store);
        } catch (RuntimeException e) {
            failures++;
            log.warn("retention: pruning the audit trail failed; tried again in an hour: {}", e.getMessage());
        }
        Folders f = new Folders();
        try {
            f = deleteFolders();
        } catch (RuntimeException e) {
            failures++;
            log.warn("retention: deleting old S3 folders failed; tried again in an hour: {}", e.getMessage());
        }
        Builds b = new Builds();
        try {
            b = pruneBuilds();
        } catch (RuntimeException e) {
            failures++;
            log.warn("retention: removing old builds from the store failed; tried again in an hour: {}", e.getMessage());
        }
        Run run = new Run(events + b.events, f.deleted, f.objects, b.pruned, failures + f.failures);
        counters.add(run, clock.instant());
        if (run.eventsPruned() + run.foldersDeleted() + run.buildsPruned() > 0) {
            log.info("retention: {} S3 folders ({} objects) deleted, {} finished builds and {} events removed from the store",
                    run.foldersDeleted(), run.objectsDeleted(), run.buildsPruned(), run.eventsPruned());
        }
        return run;
    }

    private static final class Folders {
        int deleted;
        long objects;
        int failures;
    }

    /**
     * Deletes the folders of builds that finished before the logs' age. Each deletion is recorded in the
     * store once the objects are gone: a crash in between only deletes an empty folder again.
     */
    private Folders deleteFolders() {
        Folders out = new Folders();
        if (!settings.deletesLogs() || folders == null) {
            return out;
        }
        Instant before = clock.instant().minus(settings.logMaxAge());
        List<String> due = store.read(tx -> tx.foldersDue(before, FOLDERS_PER_RUN));
        for (String buildId : due) {
            long objects;
            try {
                objects = folders.delete(buildId);
            } catch (IOException | RuntimeException e) {
                out.failures++;
                log.warn("retention: the S3 folder of build {} could not be deleted; tried again in an hour: {}",
                        buildId, e.getMessage());
                if (out.failures >= FAILURES_PER_RUN) {
                    break;
                }
                continue;
            }
            store.write(tx -> {
                tx.folderDeleted(buildId, objects);
                tx.append(Event.BUILD, buildId, "retention", "S3 folder deleted (" + objects + " objects): finished more than "
                        + settings.logMaxAge().toDays() + " days ago");
                return null;
            });
            out.deleted++;
            out.objects += objects;
        }
        return out;
    }

    private static final class Builds {
        int pruned;
        int events;
    }

    /** Removes old finished builds with everything about them, a bounded batch per transaction. */
    private Builds pruneBuilds() {
        Builds out = new Builds();
        if (!settings.prunesBuilds()) {
            return out;
        }
        Instant before = settings.buildMaxAge() == null ? null : clock.instant().minus(settings.buildMaxAge());
        // Without the folder's deletion recorded, nothing would find the folder again once its build is gone.
        boolean folderFirst = settings.deletesLogs() && folders != null;
        while (true) {
            int[] batch = store.write(tx -> {
                List<Build> old = tx.prunableBuilds(before, settings.buildMax(), folderFirst, BUILDS_PER_TRANSACTION);
                Map<String, Integer> byResult = new TreeMap<>();
                int events = 0;
                for (Build b : old) {
                    events += tx.pruneBuild(b.id());
                    if (b.result() != null) {
                        byResult.merge(b.result().wireName(), 1, Integer::sum);
                    }
                }
                byResult.forEach((result, n) -> {
                    long kept = tx.kept(PRUNED_RESULTS + result).map(Long::parseLong).orElse(0L);
                    tx.keep(PRUNED_RESULTS + result, Long.toString(kept + n));
                });
                return new int[] {old.size(), events};
            });
            out.pruned += batch[0];
            out.events += batch[1];
            if (batch[0] < BUILDS_PER_TRANSACTION) {
                return out;
            }
        }
    }
}
