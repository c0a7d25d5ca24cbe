package io.cattlepi.ci.fleet;

import io.cattlepi.ci.worker.Worker;
/** Told after a Pi's state change is committed (e.g. the scheduler waits for {@code ready} Pis). */
@FunctionalInterface
public interface FleetListener {
    void changed(Worker before, Worker after);

    FleetListener NONE = (b, a) -> { };
}
