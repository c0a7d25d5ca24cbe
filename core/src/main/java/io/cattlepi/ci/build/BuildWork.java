package io.cattlepi.ci.build;

import java.nio.file.Path;

/**
 * Port: the work of one leased build (checkout and steps on the controller host, driving the
 * Pi), writing its log and results into {@code folder}. The build package's execution in
 * production; the engine only decides what happens around it.
 */
@FunctionalInterface
public interface BuildWork {
    /** Lets the engine stop a running build (operator, shutdown); the work kills its processes. */
    interface Cancellation {
        boolean cancelled();

        void onCancel(Runnable action);
    }

    WorkOutcome run(Lease lease, Path folder, Cancellation cancellation) throws Exception;
}
