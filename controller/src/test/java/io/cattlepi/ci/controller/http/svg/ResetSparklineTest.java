package io.cattlepi.ci.controller.http.svg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.store.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResetSparklineTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private static Event at(int second, String detail) {
        return new Event(second, T0.plusSeconds(second), Event.WORKER, "pi-1", "transition", detail);
    }

    @Test
    void eachResetIsTheTimeFromRebuildToReadyAndAFailedOneIsADot() {
        List<Event> h = List.of(at(0, "ready -> rebuild: reset"), at(30, "rebuild -> ready: back on stock Raspbian"),
                at(40, "ready -> building: leased to build b-1"), at(50, "building -> rebuild: released"),
                at(95, "rebuild -> maintenance: reset did not reach stock"), at(100, "maintenance -> rebuild: undrained"),
                at(120, "rebuild -> ready: back"), at(130, "ready -> rebuild: still going"));
        List<ResetSparkline.Reset> resets = ResetSparkline.resets(h);
        assertEquals(List.of(Duration.ofSeconds(30), Duration.ofSeconds(45), Duration.ofSeconds(20)),
                resets.stream().map(ResetSparkline.Reset::took).toList());
        assertEquals(List.of(true, false, true), resets.stream().map(ResetSparkline.Reset::ready).toList());
        String html = ResetSparkline.render("pi-1", resets);
        var docs = SvgAssert.wellFormed(html);
        assertEquals(1, SvgAssert.count(docs, "polyline"));
        assertEquals(1, SvgAssert.count(docs, "circle"), "the failed reset");
        assertTrue(SvgAssert.titles(docs).get(0).contains("30 s, failed after 45 s, 20 s"));
        assertTrue(html.contains("last reset 20 s"));
    }

    @Test
    void onlyTheLastResetsAreDrawn() {
        List<Event> h = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            h.add(at(i * 10, "ready -> rebuild: r"));
            h.add(at(i * 10 + 5, "rebuild -> ready: r"));
        }
        assertEquals(ResetSparkline.LAST, ResetSparkline.resets(h).size());
    }

    @Test
    void oneResetIsAPointAndNoneIsASentence() {
        List<ResetSparkline.Reset> one = List.of(new ResetSparkline.Reset(T0, Duration.ofSeconds(12), true));
        assertEquals(1, SvgAssert.count(SvgAssert.wellFormed(ResetSparkline.render("pi-1", one)), "circle"));
        assertTrue(ResetSparkline.render("pi-1", List.of()).contains("no resets yet"));
    }
}
