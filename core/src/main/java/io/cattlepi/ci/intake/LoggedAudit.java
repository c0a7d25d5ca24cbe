package io.cattlepi.ci.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook decisions in the log as well as the audit trail: one line per delivery (accepted,
 * ignored, or rejected with the reason). Rejections are what a flood is made of, so past
 * {@link #PER_MINUTE} a minute they are counted and summed up in one line instead.
 */
public final class LoggedAudit implements IntakeAudit {
    static final int PER_MINUTE = 20;
    private static final Logger log = LoggerFactory.getLogger("io.cattlepi.ci.intake.Webhook");
    private static final Set<String> FINE = Set.of("accepted", "ignored", "ping");

    private final IntakeAudit audit;
    private final Clock clock;
    private Instant window = Instant.EPOCH;
    private int rejected;
    private int suppressed;

    public LoggedAudit(IntakeAudit audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void record(String deliveryId, String outcome, String detail) {
        audit.record(deliveryId, outcome, detail);
        if (FINE.contains(outcome)) {
            log.info("webhook {}: {} ({})", deliveryId, outcome, detail);
            return;
        }
        String summary = rejected(deliveryId, outcome, detail);
        if (summary != null) {
            log.warn(summary);
        }
    }

    /** The line to log for a rejection, or null while a flood is being counted. */
    private synchronized String rejected(String deliveryId, String outcome, String detail) {
        Instant now = clock.instant();
        String before = "";
        if (Duration.between(window, now).compareTo(Duration.ofMinutes(1)) >= 0) {
            if (suppressed > 0) {
                before = suppressed + " more webhook deliveries rejected in the minute before this one; ";
            }
            window = now;
            rejected = 0;
            suppressed = 0;
        }
        if (++rejected > PER_MINUTE) {
            suppressed++;
            return null;
        }
        return before + "webhook " + deliveryId + ": rejected, " + outcome + " (" + detail + ")"
                + (rejected == PER_MINUTE ? "; more this minute are only counted" : "");
    }
}
