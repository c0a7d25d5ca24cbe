package io.cattlepi.ci.intake;


/** Port: turns one received message into stored state (a queued build, a duplicate, a rejection). */
@FunctionalInterface
public interface MessageAdmission {
    void admit(QueuedMessage message);
}
