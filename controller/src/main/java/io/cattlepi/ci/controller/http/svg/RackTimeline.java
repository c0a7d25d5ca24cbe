package io.cattlepi.ci.controller.http.svg;

import static io.cattlepi.ci.controller.http.svg.Svg.esc;
import static io.cattlepi.ci.controller.http.svg.Svg.num;

import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Tx;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rack over the last hours: per Pi, a bar coloured by its state from its transitions
 * (building, resetting, ready, maintenance…, the build on hover), and its reset times as a
 * sparkline. Every Pi shares one time axis, so a reset storm or an idle rack shows as a column.
 */
public final class RackTimeline {
    /** How far back the rack page looks. */
    public static final Duration WINDOW = Duration.ofHours(3);
    /** The shortest axis: a rack minutes old is not drawn as a sliver at the right of three hours. */
    private static final Duration SHORTEST = Duration.ofMinutes(1);
    /** Enough history for three hours of a busy Pi (a build is about four transitions). */
    private static final int EVENTS = 400;
    /** The bar's own units; the browser stretches them to the page's width. */
    private static final int UNITS = 1000;

    /** One stretch of one state; {@code buildId} names the build that held a leased Pi. */
    public record Span(WorkerState state, Instant from, Instant to, String buildId, String reason) {
    }

    private RackTimeline() {
    }

    /** The rack's timelines from the store, as of the transaction's clock. */
    public static String render(Tx tx) {
        Map<Worker, List<Event>> histories = new LinkedHashMap<>();
        for (Worker w : tx.workers()) {
            histories.put(w, tx.events(Event.WORKER, w.id(), EVENTS));
        }
        return render(histories, tx.now());
    }

    /** The rack's timelines from the Pis and their histories (oldest event first). */
    public static String render(Map<Worker, List<Event>> histories, Instant now) {
        if (histories.isEmpty()) {
            return "<section id=timeline><p class=muted>No Pis in the rack yet: nothing to draw.</p></section>";
        }
        Instant from = axisStart(histories.values(), now);
        StringBuilder rows = new StringBuilder();
        for (Map.Entry<Worker, List<Event>> e : histories.entrySet()) {
            Worker w = e.getKey();
            rows.append("<div class=tl-row data-timeline=\"").append(esc(w.id())).append("\"><span class=tl-name>")
                    .append(esc(w.id())).append("</span>").append(bar(w.id(), spans(e.getValue(), w, from, now), from, now))
                    .append(ResetSparkline.render(w.id(), ResetSparkline.resets(e.getValue()))).append("</div>");
        }
        StringBuilder legend = new StringBuilder();
        for (WorkerState s : WorkerState.values()) {
            legend.append(Svg.swatch(Svg.colour(s), Svg.label(s))).append(' ');
        }
        return "<section id=timeline><h3>The last " + esc(Durations.length(Duration.between(from, now))) + "</h3>" + rows
                + "<div class=tl-row><span class=tl-name></span><div class=\"tl-axis muted\"><span>"
                + esc(Durations.ago(from, now)) + "</span><span>now</span></div><span class=spark></span></div>"
                + "<p class=\"muted legend\">" + legend + "· the line: each reset's time to ready, red dots the failed ones</p>"
                + "</section>";
    }

    /** The start of the shared axis: the window, or the oldest history when the rack is younger. */
    static Instant axisStart(Iterable<List<Event>> histories, Instant now) {
        Instant windowStart = now.minus(WINDOW);
        Instant oldest = now.minus(SHORTEST);
        for (List<Event> h : histories) {
            for (Event e : h) {
                if (e.at().isBefore(oldest)) {
                    oldest = e.at();
                }
            }
        }
        return oldest.isBefore(windowStart) ? windowStart : oldest;
    }

    /**
     * A Pi's states between {@code from} and {@code now}: before its first known transition
     * nothing is drawn (no record is not a state), after the last one it is in its current state.
     */
    public static List<Span> spans(List<Event> history, Worker w, Instant from, Instant now) {
        List<Span> out = new ArrayList<>();
        List<Transitions.Change> changes = Transitions.of(history);
        WorkerState state = null;
        Instant since = from;
        String reason = "";
        for (Transitions.Change c : changes) {
            if (!c.at().isAfter(from)) {
                state = c.to();
                reason = c.reason();
                continue;
            }
            if (c.at().isAfter(now)) {
                break;
            }
            if (state != null && c.at().isAfter(since)) {
                out.add(span(state, since, c.at(), reason));
            }
            state = c.to();
            since = c.at();
            reason = c.reason();
        }
        if (changes.isEmpty()) {
            // No history (pruned, or a store older than its events): what the Pi is now, since it has been.
            Instant start = w.stateSince().isAfter(from) ? w.stateSince() : from;
            state = w.state();
            since = start;
            reason = w.reason();
        }
        if (state != null && now.isAfter(since)) {
            String build = state == w.state() && state.isLeased() && w.buildId() != null ? w.buildId() : null;
            Span last = span(state, since, now, reason);
            out.add(build != null && last.buildId() == null ? new Span(state, since, now, build, reason) : last);
        }
        return out;
    }

    private static Span span(WorkerState state, Instant from, Instant to, String reason) {
        return new Span(state, from, to, state.isLeased() ? Transitions.buildOf(reason) : null, reason);
    }

    /** One Pi's bar: rectangles in units of the axis, stretched to the width by the browser (text stays in HTML). */
    static String bar(String workerId, List<Span> spans, Instant from, Instant now) {
        double total = Math.max(1, Duration.between(from, now).toMillis());
        StringBuilder rects = new StringBuilder();
        for (Span s : spans) {
            double x = UNITS * Duration.between(from, s.from()).toMillis() / total;
            double width = UNITS * Duration.between(s.from(), s.to()).toMillis() / total;
            String title = Svg.label(s.state()) + (s.buildId() == null ? "" : " " + s.buildId()) + ", from "
                    + Durations.ago(s.from(), now) + " for " + Durations.length(Duration.between(s.from(), s.to()))
                    + (s.reason() == null || s.reason().isEmpty() ? "" : ": " + s.reason());
            rects.append("<rect x=\"").append(num(x)).append("\" y=\"0\" width=\"").append(num(Math.max(width, 0.5)))
                    .append("\" height=\"10\" fill=\"").append(Svg.colour(s.state())).append("\" data-state=\"")
                    .append(esc(s.state().wireName())).append("\"><title>").append(esc(title)).append("</title></rect>");
        }
        return "<svg class=\"tl-bar\" viewBox=\"0 0 " + UNITS + " 10\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\""
                + esc("states of " + workerId) + "\"><rect width=\"" + UNITS + "\" height=\"10\" fill=\"#f4f4f4\"/>" + rects
                + "</svg>";
    }
}
