package io.cattlepi.ci.controller.http.svg;

import static io.cattlepi.ci.controller.http.svg.Svg.esc;
import static io.cattlepi.ci.controller.http.svg.Svg.num;

import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.worker.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Pi's health at a glance: how long its recent resets took to reach {@code ready}, as a small
 * line (a Pi whose resets grow slower is wearing out its SD card), failed resets as red dots on
 * the floor.
 */
public final class ResetSparkline {
    /** How many of the most recent resets the line shows. */
    static final int LAST = 20;
    private static final int WIDTH = 120;
    private static final int HEIGHT = 24;

    /** One reset: from entering {@code rebuild} to leaving it; {@code ready} is false when it went elsewhere. */
    public record Reset(Instant at, Duration took, boolean ready) {
    }

    private ResetSparkline() {
    }

    /** The resets in a Pi's history, oldest first (a reset still going is not one yet). */
    public static List<Reset> resets(List<Event> history) {
        List<Reset> out = new ArrayList<>();
        Instant started = null;
        for (Transitions.Change c : Transitions.of(history)) {
            if (c.to() == WorkerState.REBUILD) {
                started = c.at();
            } else if (c.from() == WorkerState.REBUILD && started != null) {
                out.add(new Reset(started, Duration.between(started, c.at()), c.to() == WorkerState.READY));
                started = null;
            }
        }
        return out.size() > LAST ? out.subList(out.size() - LAST, out.size()) : out;
    }

    /** The line, and beside it the last reset's time; a sentence when there were none. */
    public static String render(String workerId, List<Reset> resets) {
        if (resets.isEmpty()) {
            return "<span class=\"spark muted\">no resets yet</span>";
        }
        double max = resets.stream().mapToLong(r -> r.took().toMillis()).max().orElse(1);
        max = Math.max(max, 1);
        double step = resets.size() == 1 ? 0 : (WIDTH - 4.0) / (resets.size() - 1);
        StringBuilder points = new StringBuilder();
        StringBuilder failed = new StringBuilder();
        List<Reset> ok = new ArrayList<>();
        for (int i = 0; i < resets.size(); i++) {
            Reset r = resets.get(i);
            double x = resets.size() == 1 ? WIDTH / 2.0 : 2 + i * step;
            if (r.ready()) {
                double y = HEIGHT - 2 - (HEIGHT - 4) * r.took().toMillis() / max;
                points.append(points.isEmpty() ? "" : " ").append(num(x)).append(',').append(num(y));
                ok.add(r);
            } else {
                failed.append("<circle cx=\"").append(num(x)).append("\" cy=\"").append(HEIGHT - 2)
                        .append("\" r=\"2\" fill=\"#d9534f\"/>");
            }
        }
        String title = "resets of " + workerId + ", oldest first: " + resets.stream()
                .map(r -> (r.ready() ? "" : "failed after ") + Durations.length(r.took())).collect(Collectors.joining(", "));
        String line = ok.size() > 1
                ? "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"#4a90d9\" stroke-width=\"1.5\"/>"
                : ok.size() == 1 ? "<circle cx=\"" + points.toString().split(",")[0] + "\" cy=\"" + points.toString().split(",")[1]
                        + "\" r=\"2\" fill=\"#4a90d9\"/>" : "";
        Reset last = resets.get(resets.size() - 1);
        return "<span class=spark><svg class=\"sparkline\" width=\"" + WIDTH + "\" height=\"" + HEIGHT + "\" viewBox=\"0 0 " + WIDTH
                + " " + HEIGHT + "\" role=\"img\" aria-label=\"" + esc(title) + "\"><title>" + esc(title) + "</title>"
                + "<line x1=\"0\" y1=\"" + (HEIGHT - 1) + "\" x2=\"" + WIDTH + "\" y2=\"" + (HEIGHT - 1)
                + "\" stroke=\"#ddd\"/>" + line + failed + "</svg> <span class=muted>"
                + (last.ready() ? "last reset " + Durations.length(last.took()) : "last reset failed") + "</span></span>";
    }
}
