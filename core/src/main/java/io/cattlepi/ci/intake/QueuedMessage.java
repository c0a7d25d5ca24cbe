package io.cattlepi.ci.intake;

import java.util.Map;

/**
 * One received queue message.
 *
 * @param receiptHandle the handle of this receive; a later receive of the same message has a new one
 * @param body          the message body as SQS holds it (see {@link MessageBody})
 * @param attributes    message attributes (event name, delivery id, signature-verified, body encoding)
 * @param receiveCount  how many times the queue has handed it out, this time included
 */
public record QueuedMessage(String messageId, String receiptHandle, String body, Map<String, String> attributes,
                            int receiveCount) {
    public static final String EVENT = "github_event";
    public static final String DELIVERY = "github_delivery";
    public static final String VERIFIED = "signature_verified";

    /**
     * GitHub's bytes, decoded as the {@link MessageBody#ENCODING} attribute says.
     *
     * @throws IllegalArgumentException when the body does not decode as its attribute says
     */
    public byte[] payload() {
        return MessageBody.decode(body, attributes);
    }
}
