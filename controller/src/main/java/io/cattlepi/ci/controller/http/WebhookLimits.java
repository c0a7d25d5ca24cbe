package io.cattlepi.ci.controller.http;

import java.time.Duration;

/**
 * How much of the server webhook senders may hold, signed or not (the signature is checked once a
 * body is in): at most {@code maxInFlight} bodies being received at once, together at most
 * {@code maxBytesInFlight} bytes kept, each whole within {@code bodyDeadline} from its headers; a
 * sender beyond a cap is told to come back after {@code retryAfter}.
 */
public record WebhookLimits(int maxInFlight, long maxBytesInFlight, Duration bodyDeadline, Duration retryAfter) {
    /**
     * GitHub delivers one event at a time per hook and gives up after 10 s; 4 MiB keeps what
     * unauthenticated senders can make the controller hold far inside its 64 MiB heap.
     */
    public static final WebhookLimits DEFAULTS = new WebhookLimits(32, 4L * 1024 * 1024, Duration.ofSeconds(10),
            Duration.ofSeconds(10));

    public WebhookLimits {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("at least one body must be receivable: " + maxInFlight);
        }
        if (maxBytesInFlight < 1) {
            throw new IllegalArgumentException("bodies need bytes: " + maxBytesInFlight);
        }
        if (bodyDeadline == null || bodyDeadline.isNegative() || bodyDeadline.isZero()) {
            throw new IllegalArgumentException("the body deadline must be positive: " + bodyDeadline);
        }
        if (retryAfter == null || retryAfter.isNegative()) {
            throw new IllegalArgumentException("Retry-After must not be negative: " + retryAfter);
        }
    }

    /** The defaults with another cap on bodies and deadline (tests). */
    public WebhookLimits(int maxInFlight, Duration bodyDeadline, Duration retryAfter) {
        this(maxInFlight, DEFAULTS.maxBytesInFlight(), bodyDeadline, retryAfter);
    }
}
