package io.cattlepi.ci.intake;

/** Where intake says what it did with each delivery (the store's audit trail; a log in a Lambda). */
@FunctionalInterface
public interface IntakeAudit {
    /** Subject kind of delivery events in the store. */
    String DELIVERY = "delivery";

    /**
     * @param deliveryId GitHub's delivery id, or "unknown"
     * @param outcome    accepted, ignored, invalid, unauthorized, too-large, malformed, queue-failed
     */
    void record(String deliveryId, String outcome, String detail);
}
