package io.cattlepi.ci.intake;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Port: the queue between webhook intake and the controller (SQS in production). */
public interface WorkQueue {
    /** Long-polls for at most {@code max} messages (1..10), waiting up to {@code wait}; the queue's own visibility. */
    default List<QueuedMessage> receive(int max, Duration wait) throws QueueException {
        return receive(max, wait, null);
    }

    /**
     * The same, hiding what it returns for {@code visibility} (null: the queue's default), so the
     * controller's heartbeat, not whatever the queue was created with, decides how long a message
     * stays hidden before its first extension.
     */
    List<QueuedMessage> receive(int max, Duration wait, Duration visibility) throws QueueException;

    /** Keeps a received message invisible for {@code timeout} from now. */
    void extendVisibility(String receiptHandle, Duration timeout) throws QueueException;

    /**
     * Removes a message for good. Deleting twice may succeed (SQS) or report a stale handle (ElasticMQ);
     * a stale handle otherwise means the message reappears and is recognised by its id.
     */
    void delete(String receiptHandle) throws QueueException;

    /** Puts a delivery on the queue (the webhook half); returns the message id. */
    String send(String body, Map<String, String> attributes) throws QueueException;
}
