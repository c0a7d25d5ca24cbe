package io.cattlepi.ci.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path dir;

    @Test
    void theAuditTrailIsPrunedByAgeThenByCount() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Path file = dir.resolve("events.db");
        for (int day = 0; day < 10; day++) {
            Clock then = Clock.fixed(start.plus(java.time.Duration.ofDays(day)), ZoneOffset.UTC);
            try (Store store = Store.open(file, then)) {
                int d = day;
                store.write(tx -> {
                    for (int i = 0; i < 10; i++) {
                        tx.append(Event.DELIVERY, "d-" + d + "-" + i, "accepted", "day " + d);
                    }
                    return null;
                });
            }
        }
        Clock now = Clock.fixed(start.plus(java.time.Duration.ofDays(9)), ZoneOffset.UTC);
        try (Store store = Store.open(file, now)) {
            assertEquals(100, (int) store.read(Tx::eventCount));
            assertEquals(20, new EventRetention(java.time.Duration.ofDays(7), 1000).prune(store), "days 0 and 1 are older than 7 days");
            assertEquals(80, (int) store.read(Tx::eventCount));
            assertEquals(55, new EventRetention(java.time.Duration.ofDays(7), 25).prune(store), "then only the newest 25");
            assertEquals(List.of("day 9"), store.read(tx -> tx.events(Event.DELIVERY, "d-9-0", 5)).stream().map(Event::detail).toList());
            assertEquals(List.of(), store.read(tx -> tx.events(Event.DELIVERY, "d-7-0", 5)));
            assertEquals(0, new EventRetention(java.time.Duration.ofDays(7), 25).prune(store));
        }
    }

    @Test
    void workersAndBuildsRoundTripWithTheirHistory() {
        try (Store store = Store.open(dir.resolve("state.db"), CLOCK)) {
            Worker w = Worker.discovered("pi-1", "10.0.0.11", 22, "b8:27:eb:00:00:01", CLOCK.instant());
            Build b = Build.queued("b1", "cattlepi/cattlepi", SHA, "refs/pull/7/head", 7, "https://github.com/cattlepi/cattlepi.git",
                    "pull_request", "d-1", "m-1", "r-1", CLOCK.instant());
            store.write(tx -> {
                tx.transition(null, w);
                tx.buildChanged(null, b);
                return null;
            });
            store.write(tx -> {
                Worker before = tx.worker("pi-1").orElseThrow();
                tx.transition(before, before.leasedTo("b1", WorkerState.BUILDING, tx.now()));
                Build queued = tx.build("b1").orElseThrow();
                tx.buildChanged(queued, queued.scheduledOn("pi-1"));
                return null;
            });

            Worker read = store.read(tx -> tx.worker("pi-1").orElseThrow());
            assertEquals(WorkerState.BUILDING, read.state());
            assertEquals("b1", read.buildId());
            Build scheduled = store.read(tx -> tx.build("b1").orElseThrow());
            assertEquals(BuildState.SCHEDULED, scheduled.state());
            assertEquals(7, scheduled.prNumber());
            assertEquals("pi-1", scheduled.workerId());
            List<Event> history = store.read(tx -> tx.events(Event.WORKER, "pi-1", 10));
            assertEquals(List.of("new -> unknown: added to the rack", "unknown -> building: leased to build b1"),
                    history.stream().map(Event::detail).toList());
            assertEquals(List.of(b.id()), store.read(tx -> tx.buildsOf("cattlepi/cattlepi", SHA, "pull_request"))
                    .stream().map(Build::id).toList());
            assertEquals("b1", store.read(tx -> tx.buildByDelivery("d-1")).orElseThrow().id());
        }
    }

    @Test
    void aFailedUnitOfWorkLeavesThePreviousState() {
        try (Store store = Store.open(dir.resolve("state.db"), CLOCK)) {
            store.write(tx -> {
                tx.transition(null, Worker.discovered("pi-1", "h", 22, null, tx.now()));
                return null;
            });
            assertThrows(IllegalStateException.class, () -> store.write(tx -> {
                Worker w = tx.worker("pi-1").orElseThrow();
                tx.transition(w, w.moveTo(WorkerState.READY, "probe ok", tx.now()));
                throw new IllegalStateException("crash half-way");
            }));
            assertEquals(WorkerState.UNKNOWN, store.read(tx -> tx.worker("pi-1").orElseThrow().state()));
            assertEquals(1, store.read(tx -> tx.events(Event.WORKER, "pi-1", 10)).size());
        }
    }

    @Test
    void reopeningKeepsDataAndDoesNotRemigrate() {
        Path file = dir.resolve("state.db");
        try (Store store = Store.open(file, CLOCK)) {
            store.write(tx -> {
                Build b = Build.queued("b1", "o/r", SHA, "refs/heads/master", null, "file:///x", "push", "d", null, null, tx.now());
                tx.buildChanged(null, b.finished(BuildResult.SUCCESS, "ok", tx.now()));
                return null;
            });
        }
        try (Store store = Store.open(file, CLOCK)) {
            Build b = store.read(tx -> tx.build("b1").orElseThrow());
            assertEquals(BuildState.FINISHING, b.state());
            assertEquals(BuildResult.SUCCESS, b.result());
            assertEquals(null, b.prNumber());
        }
    }

    @Test
    void aNewerSchemaIsRefusedNotClobbered() throws Exception {
        Path file = dir.resolve("state.db");
        Store.open(file, CLOCK).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        StoreException e = assertThrows(StoreException.class, () -> Store.open(file, CLOCK));
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
    }

    @Test
    void readersAreNotBlockedByAnOpenWriteTransaction() throws Exception {
        try (Store store = Store.open(dir.resolve("state.db"), CLOCK)) {
            store.write(tx -> {
                tx.transition(null, Worker.discovered("pi-1", "h", 22, null, tx.now()));
                return null;
            });
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<?> writer = pool.submit(() -> store.write(tx -> {
                    Worker w = tx.worker("pi-1").orElseThrow();
                    tx.transition(w, w.moveTo(WorkerState.READY, "probe ok", tx.now()));
                    writing.countDown();
                    await(release);
                    return null;
                }));
                assertTrue(writing.await(30, TimeUnit.SECONDS));
                // The uncommitted change is invisible, and the read completes while the writer holds its transaction.
                assertEquals(WorkerState.UNKNOWN, store.read(tx -> tx.worker("pi-1").orElseThrow().state()));
                release.countDown();
                writer.get(30, TimeUnit.SECONDS);
                assertEquals(WorkerState.READY, store.read(tx -> tx.worker("pi-1").orElseThrow().state()));
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
