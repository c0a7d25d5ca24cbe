package io.cattlepi.ci.intake;

/** Where intake says what it did with each delivery (the store's audit trail; a log in a Lambda). */
@FunctionalInterface
public interface IntakeAudit {
    /** Subject kind of delivery events in the store. */
    String DELIVERY = "delivery";
    /** No or a wrong signature. */
    String UNAUTHORIZED = "unauthorized";
    /** Body over the limit. */
    String TOO_LARGE = "too-large";
    /** Too many bodies being received at once: answered 503 with Retry-After, nothing read. */
    String BUSY = "busy";
    /** The body did not arrive within its deadline. */
    String TIMEOUT = "timeout";
    /** The body's framing was broken (bad or truncated chunked encoding, connection cut). */
    String MALFORMED_FRAMING = "bad-framing";

    /**
     * @param deliveryId GitHub's delivery id, or "unknown"
     * @param outcome    accepted, ignored, invalid, ping, malformed, queue-failed, queue-refused, or one of the
     *                   rejections before the signature check: unauthorized, too-large, busy, timeout, bad-framing
     */
    void record(String deliveryId, String outcome, String detail);
}
