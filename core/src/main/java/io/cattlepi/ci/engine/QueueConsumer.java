package io.cattlepi.ci.engine;

import io.cattlepi.ci.intake.MessageAdmission;
import io.cattlepi.ci.intake.QueueException;
import io.cattlepi.ci.intake.QueuedMessage;
import io.cattlepi.ci.intake.WorkQueue;
import io.cattlepi.ci.retry.Backoff;
import io.cattlepi.ci.retry.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQS half of intake (the seed's dequeue_work, done right): long-polls for as many messages
 * as Pis can take now, and holds none while no Pi is free, so a message's visibility clock only
 * starts when it can be worked on. Each message is admitted (stored) before anything else. An
 * unreachable queue is retried with bounded exponential back-off; nothing else waits for it.
 * <p>
 * Messages are received hidden for a few seconds only ({@link #RECEIVE_HOLD}) and made invisible
 * for the whole visibility timeout once admitted: a long poll left open by a controller that
 * died still takes the next message at the queue, and that message must come back in seconds,
 * not after the visibility timeout.
 */
final class QueueConsumer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(QueueConsumer.class);
    private static final Duration IDLE_RECHECK = Duration.ofSeconds(5);
    /** Long enough to admit a batch and extend each message; a crash in between costs this long a delay. */
    static final Duration RECEIVE_HOLD = Duration.ofSeconds(5);

    private final WorkQueue queue;
    private final MessageAdmission admission;
    private final IntSupplier freeCapacity;
    private final Runnable admitted;
    private final Duration wait;
    private final Duration visibility;
    private final Sleeper sleeper;
    private final Backoff outage = Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(2));
    private final Object capacityChanged = new Object();
    private volatile boolean closed;
    private volatile boolean reachable = true;

    QueueConsumer(WorkQueue queue, MessageAdmission admission, IntSupplier freeCapacity, Runnable admitted,
                  Duration wait, Duration visibility, Sleeper sleeper) {
        this.visibility = visibility;
        this.queue = queue;
        this.admission = admission;
        this.freeCapacity = freeCapacity;
        this.admitted = admitted;
        this.wait = wait;
        this.sleeper = sleeper;
    }

    /** Whether the last receive reached the queue (for /healthz). */
    boolean reachable() {
        return reachable;
    }

    /** A Pi became ready or a build was bound: look at the capacity again. */
    void capacityMayHaveChanged() {
        synchronized (capacityChanged) {
            capacityChanged.notifyAll();
        }
    }

    void close() {
        closed = true;
        capacityMayHaveChanged();
    }

    @Override
    public void run() {
        int failures = 0;
        while (!closed) {
            int capacity = freeCapacity.getAsInt();
            if (capacity <= 0) {
                awaitCapacity();
                continue;
            }
            List<QueuedMessage> messages;
            try {
                messages = queue.receive(Math.min(capacity, 10), wait, receiveHold());
                reachable = true;
                failures = 0;
            } catch (QueueException e) {
                reachable = false;
                Duration delay = outage.delay(failures++);
                log.warn("queue unreachable ({}); retrying in {} s", e.getMessage(), delay.toSeconds());
                if (!pause(delay)) {
                    return;
                }
                continue;
            } catch (RuntimeException e) {
                reachable = false;
                log.error("receiving from the queue failed unexpectedly", e);
                if (!pause(outage.delay(failures++))) {
                    return;
                }
                continue;
            }
            for (QueuedMessage m : messages) {
                try {
                    if (admission.admit(m)) {
                        hold(m);
                    }
                } catch (RuntimeException e) {
                    // Not deleted: it becomes visible again and is admitted on redelivery.
                    log.error("admitting message {} failed; it will be redelivered", m.messageId(), e);
                }
            }
            if (!messages.isEmpty()) {
                admitted.run();
            }
        }
    }

    private Duration receiveHold() {
        return visibility == null || visibility.compareTo(RECEIVE_HOLD) < 0 ? visibility : RECEIVE_HOLD;
    }

    /** Admitted and kept for its build: hidden for the whole visibility timeout from now on. */
    private void hold(QueuedMessage m) {
        if (visibility == null || visibility.compareTo(RECEIVE_HOLD) <= 0) {
            return;
        }
        try {
            queue.extendVisibility(m.receiptHandle(), visibility);
        } catch (QueueException e) {
            // The heartbeat retries; should the message reappear first, admission adopts its new handle.
            log.warn("message {} admitted but not hidden yet: {}", m.messageId(), e.getMessage());
        }
    }

    private void awaitCapacity() {
        synchronized (capacityChanged) {
            if (closed) {
                return;
            }
            try {
                capacityChanged.wait(IDLE_RECHECK.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    private boolean pause(Duration d) {
        try {
            sleeper.sleep(d);
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
