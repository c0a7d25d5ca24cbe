package io.cattlepi.ci.intake;

import io.cattlepi.ci.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests rejected before their signature was checked, counted per minute: at the first request
 * of a new minute (or a flush) each outcome of the minute before becomes one event under delivery
 * {@code rejected}, with its count and its most frequent reasons, and one log line. Memory stays
 * bounded: a few outcomes, at most {@link #REASONS} reasons each. A crash loses at most a minute
 * of counts.
 */
final class RejectedRequests {
    private static final Logger log = LoggerFactory.getLogger(RejectedRequests.class);
    /** The subject id of the aggregated events. */
    static final String SUBJECT = "rejected";
    static final int REASONS = 5;

    private final Store store;
    private final Clock clock;
    private final Map<String, Tally> tallies = new TreeMap<>();
    private Instant minute;

    private static final class Tally {
        int count;
        final Map<String, Integer> reasons = new LinkedHashMap<>();
        int otherReasons;

        void add(String reason) {
            count++;
            if (reasons.containsKey(reason) || reasons.size() < REASONS) {
                reasons.merge(reason, 1, Integer::sum);
            } else {
                otherReasons++;
            }
        }

        String describe(Instant minute) {
            StringBuilder out = new StringBuilder().append(count).append(count == 1 ? " request" : " requests")
                    .append(" in the minute from ").append(minute).append(": ");
            String sep = "";
            for (Map.Entry<String, Integer> r : reasons.entrySet()) {
                out.append(sep).append(r.getKey()).append(" ×").append(r.getValue());
                sep = "; ";
            }
            if (otherReasons > 0) {
                out.append(sep).append("other reasons ×").append(otherReasons);
            }
            return out.toString();
        }
    }

    RejectedRequests(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    synchronized void count(String outcome, String reason) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        if (minute != null && !minute.equals(now)) {
            write();
        }
        minute = now;
        tallies.computeIfAbsent(outcome, o -> new Tally()).add(reason == null ? "" : reason);
    }

    synchronized void flush() {
        write();
    }

    synchronized Map<String, Integer> pending() {
        Map<String, Integer> out = new TreeMap<>();
        tallies.forEach((outcome, t) -> out.put(outcome, t.count));
        return out;
    }

    private void write() {
        if (tallies.isEmpty()) {
            return;
        }
        Instant of = minute;
        Map<String, String> lines = new TreeMap<>();
        tallies.forEach((outcome, t) -> lines.put(outcome, t.describe(of)));
        tallies.clear();
        lines.forEach((outcome, line) -> log.info("rejected requests: {}: {}", outcome, line));
        store.write(tx -> {
            lines.forEach((outcome, line) -> tx.append(IntakeAudit.DELIVERY, SUBJECT, outcome, line));
            return null;
        });
    }
}
