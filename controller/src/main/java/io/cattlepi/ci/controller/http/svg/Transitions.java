package io.cattlepi.ci.controller.http.svg;

import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.worker.WorkerState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Pi's state changes read back from its history: the store writes each as a {@code transition}
 * event whose detail is {@code "ready -> building: leased to build b-7"} (see {@code Tx.transition}).
 */
final class Transitions {
    private Transitions() {
    }

    /** @param from null for a Pi just added to the rack ({@code new}) */
    record Change(Instant at, WorkerState from, WorkerState to, String reason) {
    }

    private static final String LEASED = "leased to build ";

    /** The transitions among the events, oldest first; events of other kinds and unreadable details are skipped. */
    static List<Change> of(List<Event> events) {
        List<Change> out = new ArrayList<>();
        for (Event e : events) {
            if (!"transition".equals(e.kind()) || e.detail() == null) {
                continue;
            }
            String d = e.detail();
            int arrow = d.indexOf(" -> ");
            if (arrow < 0) {
                continue;
            }
            int colon = d.indexOf(": ", arrow);
            String to = colon < 0 ? d.substring(arrow + 4) : d.substring(arrow + 4, colon);
            try {
                String from = d.substring(0, arrow);
                out.add(new Change(e.at(), from.equals("new") ? null : WorkerState.fromWire(from), WorkerState.fromWire(to),
                        colon < 0 ? "" : d.substring(colon + 2)));
            } catch (IllegalArgumentException notAState) {
                // Not one of ours (an older format): leave a gap rather than guess.
            }
        }
        return out;
    }

    /** The build a lease reason names, or null. */
    static String buildOf(String reason) {
        return reason != null && reason.startsWith(LEASED) ? reason.substring(LEASED.length()) : null;
    }
}
