package io.cattlepi.ci.retention;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What retention removed since the controller started, and when it last ran: for {@code /metrics}. */
public final class RetentionCounters {
    private final AtomicLong foldersDeleted = new AtomicLong();
    private final AtomicLong objectsDeleted = new AtomicLong();
    private final AtomicLong buildsPruned = new AtomicLong();
    private final AtomicLong eventsPruned = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Instant> lastRun = new AtomicReference<>();

    void add(Retention.Run run, Instant at) {
        foldersDeleted.addAndGet(run.foldersDeleted());
        objectsDeleted.addAndGet(run.objectsDeleted());
        buildsPruned.addAndGet(run.buildsPruned());
        eventsPruned.addAndGet(run.eventsPruned());
        failures.addAndGet(run.failures());
        lastRun.set(at);
    }

    public long foldersDeleted() {
        return foldersDeleted.get();
    }

    public long objectsDeleted() {
        return objectsDeleted.get();
    }

    public long buildsPruned() {
        return buildsPruned.get();
    }

    public long eventsPruned() {
        return eventsPruned.get();
    }

    public long failures() {
        return failures.get();
    }

    /** When the last run ended, or null before the first. */
    public Instant lastRun() {
        return lastRun.get();
    }
}
