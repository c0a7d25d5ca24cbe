package io.cattlepi.ci.controller.http.svg;

import static io.cattlepi.ci.controller.http.svg.Svg.esc;
import static io.cattlepi.ci.controller.http.svg.Svg.num;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.run.ResultFile.StepTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The last builds' durations, one column each (oldest left), stacked by step so a step that grew
 * slower stands out. The store keeps only a build's start and end: the steps' times come from its
 * {@code result.json}; what they do not cover (checkout, the Pi's reset, a step that never ran) is
 * the grey top of the column.
 */
public final class DurationChart {
    /** How many builds the chart shows. */
    public static final int LAST = 30;
    private static final int HEIGHT = 100;
    private static final String REST = "#c9c9c9";

    private DurationChart() {
    }

    /**
     * @param newestFirst builds as the list shows them; those not finished are left out
     * @param stepsOf     a build's step times by its id, empty when it has none
     */
    public static String render(List<Build> newestFirst, Function<String, List<StepTime>> stepsOf) {
        List<Build> done = new ArrayList<>();
        for (Build b : newestFirst) {
            if (b.startedAt() != null && b.finishedAt() != null) {
                done.add(0, b);
            }
            if (done.size() == LAST) {
                break;
            }
        }
        if (done.isEmpty()) {
            return "<section id=durations><p class=muted>No finished builds yet: their durations will be drawn here.</p></section>";
        }
        long max = 1;
        for (Build b : done) {
            max = Math.max(max, took(b).toMillis());
        }
        Map<String, String> colours = new LinkedHashMap<>();
        int slot = 2 * LAST;
        StringBuilder bars = new StringBuilder();
        for (int i = 0; i < done.size(); i++) {
            Build b = done.get(i);
            List<StepTime> steps = stepsOf.apply(b.id());
            long total = took(b).toMillis();
            double x = i * (double) slot + slot * 0.15;
            double width = slot * 0.7;
            double y = HEIGHT;
            long stepped = 0;
            bars.append("<a href=\"/builds/").append(esc(b.id())).append("\" data-build=\"").append(esc(b.id())).append("\">");
            for (StepTime s : steps) {
                long ms = Math.max(0, Math.round(s.seconds() * 1000));
                stepped += ms;
                String colour = colours.computeIfAbsent(s.command(), c -> Svg.stepColour(colours.size()));
                y = rect(bars, x, y, width, ms, max, s.ok() ? colour : "#d9534f",
                        b.id() + " · " + s.command() + ": " + Durations.length(Duration.ofMillis(ms)) + (s.ok() ? "" : " (failed)"));
            }
            long rest = Math.max(0, total - stepped);
            rect(bars, x, y, width, rest, max, REST, b.id() + " · " + (steps.isEmpty() ? "no step times kept" : "checkout and the rest")
                    + ": " + Durations.length(Duration.ofMillis(rest)) + " of " + Durations.length(took(b)));
            bars.append("</a>");
        }
        StringBuilder legend = new StringBuilder();
        colours.forEach((command, colour) -> legend.append(Svg.swatch(colour, command)).append(' '));
        legend.append(Svg.swatch("#d9534f", "failed step")).append(' ').append(Svg.swatch(REST, "not timed per step: checkout, boot test, waits"));
        return "<section id=durations><h3>Durations of the last " + done.size() + " build" + (done.size() == 1 ? "" : "s")
                + " by step</h3><div class=chart><span class=\"muted chart-max\">" + esc(Durations.length(Duration.ofMillis(max)))
                + "</span><svg class=\"duration-chart\" viewBox=\"0 0 " + done.size() * slot + " " + HEIGHT
                + "\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"build durations by step, oldest first\">"
                + "<line x1=\"0\" y1=\"" + HEIGHT + "\" x2=\"" + done.size() * slot + "\" y2=\"" + HEIGHT
                + "\" stroke=\"#999\" vector-effect=\"non-scaling-stroke\"/>" + bars + "</svg>"
                + "<div class=\"tl-axis muted\"><span>older</span><span>newest</span></div></div>"
                + "<p class=\"muted legend\">" + legend + "</p></section>";
    }

    private static Duration took(Build b) {
        return Duration.between(b.startedAt(), b.finishedAt());
    }

    /** Stacks one rectangle on {@code top}; returns the new top. */
    private static double rect(StringBuilder out, double x, double top, double width, long ms, long max, String colour,
            String title) {
        double h = HEIGHT * (double) ms / max;
        if (h <= 0) {
            return top;
        }
        out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(top - h)).append("\" width=\"").append(num(width))
                .append("\" height=\"").append(num(h)).append("\" fill=\"").append(colour).append("\"><title>")
                .append(esc(title)).append("</title></rect>");
        return top - h;
    }
}
