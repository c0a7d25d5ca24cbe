package io.cattlepi.ci.engine;

import io.cattlepi.ci.intake.QueuedMessage;

/** Port: turns one received message into stored state (a queued build, a duplicate, a rejection). */
@FunctionalInterface
public interface MessageAdmission {
    void admit(QueuedMessage message);
}
