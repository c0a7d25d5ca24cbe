package io.cattlepi.ci.intake;

import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.untrusted.Printable;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intake's audit trail in the store, shown with the other events, and in the log. Deliveries that
 * passed the signature check get an event each; requests rejected before it (anyone can send those,
 * as fast as they like) are counted per minute and outcome by {@link RejectedRequests}, so a flood
 * adds a handful of rows, not one per request.
 */
public final class StoreAudit implements IntakeAudit {
    private static final Logger log = LoggerFactory.getLogger(StoreAudit.class);
    /** Outcomes an unauthenticated request can cause. */
    public static final Set<String> UNAUTHENTICATED = Set.of(UNAUTHORIZED, TOO_LARGE, BUSY, TIMEOUT, MALFORMED_FRAMING);

    private final Store store;
    private final RejectedRequests rejected;

    public StoreAudit(Store store) {
        this(store, store.clock());
    }

    public StoreAudit(Store store, Clock clock) {
        this.store = store;
        this.rejected = new RejectedRequests(store, clock);
    }

    @Override
    public void record(String deliveryId, String outcome, String detail) {
        if (UNAUTHENTICATED.contains(outcome)) {
            rejected.count(outcome, detail);
            return;
        }
        log.info("delivery {}: {}: {}", Printable.clipped(deliveryId, 100), outcome, Printable.clipped(detail, 500));
        store.note(DELIVERY, deliveryId, outcome, detail);
    }

    /** Writes the counts of the minute so far (the controller calls it every minute and at shutdown). */
    public void flush() {
        rejected.flush();
    }

    /** The counts not written yet, by outcome (for tests and metrics). */
    public Map<String, Integer> pendingRejections() {
        return rejected.pending();
    }
}
