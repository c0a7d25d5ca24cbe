package io.cattlepi.ci.intake;

import java.util.Map;

/**
 * One received queue message.
 *
 * @param receiptHandle the handle of this receive; a later receive of the same message has a new one
 * @param attributes    message attributes (event name, delivery id, signature-verified)
 * @param receiveCount  how many times the queue has handed it out, this time included
 */
public record QueuedMessage(String messageId, String receiptHandle, String body, Map<String, String> attributes,
                            int receiveCount) {
    public static final String EVENT = "github_event";
    public static final String DELIVERY = "github_delivery";
    public static final String VERIFIED = "signature_verified";
}
