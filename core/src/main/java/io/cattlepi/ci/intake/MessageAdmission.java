package io.cattlepi.ci.intake;

/** Port: turns one received message into stored state (a queued build, a duplicate, a rejection). */
@FunctionalInterface
public interface MessageAdmission {
    /**
     * @return whether the message stays on the queue, held for its build (the consumer then makes it
     *         invisible for the build's visibility timeout); false when it was deleted
     */
    boolean admit(QueuedMessage message);
}
