package io.cattlepi.ci.controller.http;

import java.time.Duration;

/**
 * How much of the server webhook senders may hold, signed or not: at most {@code maxInFlight}
 * bodies being received at once, each within {@code bodyDeadline} from its headers; a sender
 * beyond the cap is told to come back after {@code retryAfter}.
 */
public record WebhookLimits(int maxInFlight, Duration bodyDeadline, Duration retryAfter) {
    /** GitHub delivers one event at a time per hook and gives up after 10 s. */
    public static final WebhookLimits DEFAULTS = new WebhookLimits(32, Duration.ofSeconds(10), Duration.ofSeconds(10));

    public WebhookLimits {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("at least one body must be receivable: " + maxInFlight);
        }
        if (bodyDeadline == null || bodyDeadline.isNegative() || bodyDeadline.isZero()) {
            throw new IllegalArgumentException("the body deadline must be positive: " + bodyDeadline);
        }
        if (retryAfter == null || retryAfter.isNegative()) {
            throw new IllegalArgumentException("Retry-After must not be negative: " + retryAfter);
        }
    }
}
