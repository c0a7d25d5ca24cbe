package io.cattlepi.ci.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.build.Lease;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void oldestBuildsGetTheReadyPisAndNoPiGetsTwo() {
        try (Store store = Store.open(dir.resolve("s.db"), Clock.fixed(T0, ZoneOffset.UTC))) {
            store.write(tx -> {
                for (int i = 1; i <= 3; i++) {
                    Worker w = Worker.discovered("pi-" + i, "h" + i, 22, null, T0.plusSeconds(i));
                    tx.transition(null, w.moveTo(i == 3 ? WorkerState.REBUILD : WorkerState.READY, "t", T0.plusSeconds(i)));
                }
                for (int i = 1; i <= 4; i++) {
                    tx.buildChanged(null, Build.queued("b" + i, "o/r", Integer.toHexString(i).repeat(40).substring(0, 40),
                            "refs/heads/master", null, "file:///r", "push", "d" + i, null, null, T0.plusSeconds(10 + i)));
                }
                return null;
            });
            Scheduler scheduler = new Scheduler(store);
            List<Lease> first = scheduler.bind();
            assertEquals(List.of("b1", "b2"), first.stream().map(l -> l.build().id()).toList());
            assertEquals(List.of("pi-1", "pi-2"), first.stream().map(l -> l.worker().id()).toList());
            assertEquals(List.of(), scheduler.bind(), "no ready Pi left");
            assertEquals(0, scheduler.freeCapacity());

            store.write(tx -> {
                Worker pi3 = tx.worker("pi-3").orElseThrow();
                tx.transition(pi3, pi3.moveTo(WorkerState.READY, "back on stock", tx.now()));
                return null;
            });
            List<Lease> second = scheduler.bind();
            assertEquals("b3", second.get(0).build().id());
            assertEquals("pi-3", second.get(0).worker().id());

            Set<String> busyPis = new HashSet<>();
            store.read(tx -> tx.buildsIn(BuildState.SCHEDULED)).forEach(b -> assertEquals(true, busyPis.add(b.workerId())));
            assertEquals(3, busyPis.size());
            assertEquals(WorkerState.BUILDING, store.read(tx -> tx.worker("pi-1").orElseThrow().state()));
            assertEquals("b1", store.read(tx -> tx.worker("pi-1").orElseThrow().buildId()));
            assertEquals(BuildState.QUEUED, store.read(tx -> tx.build("b4").orElseThrow().state()));
        }
    }

    @Test
    void onlyOneAutobuildHoldsAPiAtATime() {
        try (Store store = Store.open(dir.resolve("a.db"), Clock.fixed(T0, ZoneOffset.UTC))) {
            store.write(tx -> {
                for (int i = 1; i <= 3; i++) {
                    Worker w = Worker.discovered("pi-" + i, "h" + i, 22, null, T0.plusSeconds(i));
                    tx.transition(null, w.moveTo(WorkerState.READY, "t", T0.plusSeconds(i)));
                }
                for (int i = 1; i <= 3; i++) {
                    String event = i < 3 ? Scheduler.AUTOBUILD_EVENT : "push";
                    tx.buildChanged(null, Build.queued("b" + i, "o/r", Integer.toHexString(i).repeat(40).substring(0, 40),
                            "refs/heads/master", null, "file:///r", event, null, null, null, T0.plusSeconds(10 + i)));
                }
                return null;
            });
            List<Lease> leases = new Scheduler(store).bind();
            assertEquals(List.of("b1", "b3"), leases.stream().map(l -> l.build().id()).toList(), "second autobuild waits");
            assertEquals(WorkerState.AUTOBUILD, leases.get(0).worker().state());
            assertEquals(WorkerState.BUILDING, leases.get(1).worker().state());
            assertEquals(BuildState.QUEUED, store.read(tx -> tx.build("b2").orElseThrow().state()));
        }
    }

    @Test
    void aBuildWaitsForAPiWithItsLabelsWhileOthersTakeTheRest() {
        try (Store store = Store.open(dir.resolve("l.db"), Clock.fixed(T0, ZoneOffset.UTC))) {
            store.write(tx -> {
                for (int i = 1; i <= 3; i++) {
                    Worker w = Worker.discovered("pi-" + i, "h" + i, 22, null, T0.plusSeconds(i));
                    tx.transition(null, w.moveTo(i == 3 ? WorkerState.BUILDING : WorkerState.READY, "t", T0.plusSeconds(i)));
                }
                tx.buildChanged(null, Build.queued("needs-pi4", "o/r", "a".repeat(40), "refs/heads/master", null,
                        "file:///r", "push", null, null, null, T0.plusSeconds(10)));
                tx.buildChanged(null, Build.queued("any", "o/other", "b".repeat(40), "refs/heads/master", null,
                        "file:///r", "push", null, null, null, T0.plusSeconds(11)));
                tx.buildChanged(null, Build.queued("ssd-branch", "o/other", "c".repeat(40), "refs/heads/ssd", null,
                        "file:///r", "push", null, null, null, T0.plusSeconds(12)));
                return null;
            });
            Placement placement = Placement.of(List.of(
                    new io.cattlepi.ci.worker.RackMember("pi-1", "h1", 22, null, Set.of("pi3b+")),
                    new io.cattlepi.ci.worker.RackMember("pi-2", "h2", 22, null, Set.of("pi3b+", "usb-ssd")),
                    new io.cattlepi.ci.worker.RackMember("pi-3", "h3", 22, null, Set.of("pi4"))),
                    java.util.Map.of("O/R", Set.of("pi4"), "o/other@ssd", Set.of("usb-ssd")));
            Scheduler scheduler = new Scheduler(store, placement);
            List<Lease> leases = scheduler.bind();
            assertEquals(List.of("any on pi-1", "ssd-branch on pi-2"), leases.stream()
                    .map(l -> l.build().id() + " on " + l.worker().id()).toList(),
                    "the pi4 build does not hold up the others, and the branch's rule is met");
            assertEquals(BuildState.QUEUED, store.read(tx -> tx.build("needs-pi4").orElseThrow().state()));

            store.write(tx -> {
                Worker pi3 = tx.worker("pi-3").orElseThrow();
                tx.transition(pi3, pi3.moveTo(WorkerState.READY, "reset", tx.now()));
                return null;
            });
            assertEquals(List.of("needs-pi4 on pi-3"), scheduler.bind().stream()
                    .map(l -> l.build().id() + " on " + l.worker().id()).toList());
        }
    }
}
