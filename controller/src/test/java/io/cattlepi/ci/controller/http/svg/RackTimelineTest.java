package io.cattlepi.ci.controller.http.svg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RackTimelineTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private static Event transition(int minute, String from, String to, String reason) {
        return new Event(minute, T0.plus(Duration.ofMinutes(minute)), Event.WORKER, "pi-1", "transition",
                from + " -> " + to + ": " + reason);
    }

    /** Ready, leased to b-7 for 10 minutes, reset for 2 minutes, ready again; now at minute 20. */
    private static List<Event> history() {
        return List.of(transition(0, "new", "unknown", "added to the rack"),
                transition(1, "unknown", "rebuild", "alive after being unknown: resetting to stock"),
                transition(3, "rebuild", "ready", "back on stock Raspbian"),
                new Event(4, T0.plus(Duration.ofMinutes(4)), Event.WORKER, "pi-1", "draining", "drain asked"),
                transition(5, "ready", "building", "leased to build b-7"),
                transition(15, "building", "rebuild", "b-7 released it: done"),
                transition(17, "rebuild", "ready", "back on stock Raspbian"));
    }

    private static Worker pi(WorkerState state, String id) {
        Worker w = Worker.discovered(id, "10.0.0.5", 22, "b8:27:eb:00:00:01", T0);
        return w.moveTo(state, "back on stock Raspbian", T0.plus(Duration.ofMinutes(17)));
    }

    @Test
    void theTransitionsBecomeSpansWithTheBuildThatHeldThePi() {
        List<RackTimeline.Span> spans = RackTimeline.spans(history(), pi(WorkerState.READY, "pi-1"), T0,
                T0.plus(Duration.ofMinutes(20)));
        assertEquals(List.of(WorkerState.UNKNOWN, WorkerState.REBUILD, WorkerState.READY, WorkerState.BUILDING,
                WorkerState.REBUILD, WorkerState.READY), spans.stream().map(RackTimeline.Span::state).toList());
        RackTimeline.Span building = spans.get(3);
        assertEquals("b-7", building.buildId());
        assertEquals(Duration.ofMinutes(10), Duration.between(building.from(), building.to()));
        assertEquals(T0.plus(Duration.ofMinutes(20)), spans.get(5).to(), "the last state lasts until now");
    }

    @Test
    void theWindowCutsOffOlderStatesAndKeepsTheStateItStartedIn() {
        Instant from = T0.plus(Duration.ofMinutes(10));
        List<RackTimeline.Span> spans = RackTimeline.spans(history(), pi(WorkerState.READY, "pi-1"), from,
                T0.plus(Duration.ofMinutes(20)));
        assertEquals(WorkerState.BUILDING, spans.get(0).state());
        assertEquals(from, spans.get(0).from());
        assertEquals("b-7", spans.get(0).buildId());
    }

    @Test
    void aRackPageShowsOneBarPerPiWithBuildIdsOnHover() {
        Map<Worker, List<Event>> rack = new LinkedHashMap<>();
        rack.put(pi(WorkerState.READY, "pi-1"), history());
        rack.put(pi(WorkerState.READY, "pi-2"), List.of());
        String html = RackTimeline.render(rack, T0.plus(Duration.ofMinutes(20)));
        var docs = SvgAssert.wellFormed(html);
        List<String> titles = SvgAssert.titles(docs);
        assertTrue(titles.stream().anyMatch(t -> t.startsWith("building b-7, from 15 min ago for 10 min")), titles.toString());
        assertTrue(html.contains("data-timeline=\"pi-1\"") && html.contains("data-timeline=\"pi-2\""));
        assertTrue(html.contains("The last 20 min"), "a young rack's axis is as long as its history");
        assertTrue(html.contains("last reset 2 min"), "the sparkline beside it");
    }

    @Test
    void hostileNamesAndReasonsAreEscaped() {
        String evil = "pi-<script>alert(1)</script>\"&'\u0000\u202e";
        Worker w = Worker.discovered(evil, "10.0.0.5", 22, "mac", T0).moveTo(WorkerState.MAINTENANCE, "x", T0);
        List<Event> h = List.of(new Event(1, T0, Event.WORKER, evil, "transition",
                "ready -> maintenance: </title><script>alert(2)</script>\u0000]]>"));
        String html = RackTimeline.render(Map.of(w, h), T0.plus(Duration.ofMinutes(5)));
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("\u0000") || html.contains("\u202e"), "controls shown as escapes, never raw");
        var docs = SvgAssert.wellFormed(html);
        assertTrue(SvgAssert.titles(docs).stream().anyMatch(t -> t.contains("</title><script>alert(2)</script>")),
                "the reason is shown as text");
    }

    @Test
    void anEmptyRackSaysSo() {
        assertTrue(RackTimeline.render(Map.of(), T0).contains("No Pis in the rack yet"));
        Worker fresh = Worker.discovered("pi-1", "h", 22, "m", T0);
        String html = RackTimeline.render(Map.of(fresh, List.of()), T0);
        SvgAssert.wellFormed(html);
        assertTrue(html.contains("no resets yet"));
    }

    @Test
    void readsTheTransitionsTheStoreWrote(@TempDir Path dir) {
        MovableClock clock = new MovableClock(T0);
        try (Store store = Store.open(dir.resolve("s.db"), clock)) {
            store.write(tx -> {
                Worker w = Worker.discovered("pi-1", "10.0.0.5", 22, "mac", tx.now());
                tx.transition(null, w);
                clock.now = T0.plusSeconds(60);
                Worker leased = w.moveTo(WorkerState.READY, "back on stock Raspbian", tx.now());
                tx.transition(w, leased);
                clock.now = T0.plusSeconds(90);
                tx.transition(leased, leased.leasedTo("b-42", WorkerState.BUILDING, tx.now()));
                return null;
            });
            clock.now = T0.plusSeconds(150);
            String html = store.read(RackTimeline::render);
            List<String> titles = SvgAssert.titles(SvgAssert.wellFormed(html));
            assertTrue(titles.stream().anyMatch(t -> t.startsWith("building b-42, from 1 min ago for 1 min: leased to build b-42")), titles.toString());
        }
    }

    /** A clock the test moves: the store stamps events with it. */
    private static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now;
        }
    }
}
