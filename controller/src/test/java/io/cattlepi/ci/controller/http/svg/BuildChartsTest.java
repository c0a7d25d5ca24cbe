package io.cattlepi.ci.controller.http.svg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.run.ResultFile.StepTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The builds page's chart of durations by step and the build page's step bars. */
class BuildChartsTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private static Build build(String id, int startSecond, int seconds) {
        return Build.queued(id, "o/r", "abc", "refs/heads/main", null, "u", "push", "d", "m", "r", T0).scheduledOn("pi-1")
                .started(T0.plusSeconds(startSecond)).finished(BuildResult.SUCCESS, "ok", T0.plusSeconds(startSecond + seconds));
    }

    @Test
    void eachBuildIsAColumnStackedByStepWithTheRestOnTop() {
        List<Build> newestFirst = List.of(build("b-3", 200, 20), build("b-2", 100, 10), build("b-1", 0, 10));
        Map<String, List<StepTime>> steps = Map.of(
                "b-1", List.of(new StepTime("make", 0, false, 4), new StepTime("make test", 0, false, 5)),
                "b-3", List.of(new StepTime("make", 0, false, 6), new StepTime("make test", 2, false, 12)));
        String html = DurationChart.render(newestFirst, id -> steps.getOrDefault(id, List.of()));
        var docs = SvgAssert.wellFormed(html);
        List<String> titles = SvgAssert.titles(docs);
        assertEquals("b-1 · make: 4.0 s", titles.get(0), "oldest first");
        assertTrue(titles.contains("b-1 · checkout and the rest: 1.0 s of 10 s"), titles.toString());
        assertTrue(titles.contains("b-2 · no step times kept: 10 s of 10 s"), titles.toString());
        assertTrue(titles.contains("b-3 · make test: 12 s (failed)"), titles.toString());
        assertTrue(html.indexOf("data-build=\"b-1\"") < html.indexOf("data-build=\"b-3\""));
        assertTrue(html.contains("Durations of the last 3 builds"));
    }

    @Test
    void unfinishedBuildsAreLeftOutAndNoneSaysSo() {
        Build running = Build.queued("b-9", "o/r", "abc", "main", null, "u", "push", "d", "m", "r", T0).scheduledOn("pi-1")
                .started(T0);
        assertTrue(DurationChart.render(List.of(running), id -> List.of()).contains("No finished builds yet"));
        assertTrue(DurationChart.render(List.of(), id -> List.of()).contains("No finished builds yet"));
    }

    @Test
    void onlyTheLastBuildsAreCharted() {
        List<Build> many = new ArrayList<>();
        for (int i = 100; i > 0; i--) {
            many.add(build("b-" + i, i * 100, 5));
        }
        String html = DurationChart.render(many, id -> List.of());
        assertEquals(DurationChart.LAST, SvgAssert.count(SvgAssert.wellFormed(html), "a"));
        assertFalse(html.contains("data-build=\"b-70\""));
        assertTrue(html.contains("data-build=\"b-71\"") && html.contains("data-build=\"b-100\""));
    }

    @Test
    void hostileCommandsAndIdsAreEscaped() {
        String evil = "echo </title><script>alert(1)</script> & \u0000 \u202e";
        Build b = build("b-\"><svg onload=alert(1)>", 0, 10);
        String chart = DurationChart.render(List.of(b), id -> List.of(new StepTime(evil, 0, false, 3)));
        String bars = StepBars.render(List.of(new StepTime(evil, 0, false, 3)));
        for (String html : List.of(chart, bars)) {
            assertFalse(html.contains("<script>") || html.contains("onload=alert(1)>"), html);
            assertFalse(html.contains("\u0000") || html.contains("\u202e"), html);
            assertTrue(SvgAssert.titles(SvgAssert.wellFormed(html)).stream().anyMatch(t -> t.contains("</title><script>")));
        }
    }

    @Test
    void stepBarsAreAsLongAsTheStepsRan() {
        String html = StepBars.render(List.of(new StepTime("make", 0, false, 2.5), new StepTime("make test", 0, false, 5),
                new StepTime("./slow", -1, true, 1)));
        var docs = SvgAssert.wellFormed(html);
        assertEquals(3, docs.size());
        assertEquals("50", docs.get(0).getElementsByTagName("rect").item(0).getAttributes().getNamedItem("width").getNodeValue());
        assertEquals("100", docs.get(1).getElementsByTagName("rect").item(0).getAttributes().getNamedItem("width").getNodeValue());
        assertTrue(SvgAssert.titles(docs).get(2).equals("./slow: 1.0 s (timed out)"));
        assertTrue(html.contains("#d9534f"), "the timed-out step is red");
    }

    @Test
    void aBuildWithoutStepsSaysWhy() {
        assertTrue(StepBars.render(List.of()).contains("No step times yet"));
    }
}
