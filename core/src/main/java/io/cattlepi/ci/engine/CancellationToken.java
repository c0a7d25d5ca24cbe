package io.cattlepi.ci.engine;

import io.cattlepi.ci.build.BuildWork;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A build's cancellation: set once with its reason, runs the registered actions (kill the process tree) once. */
final class CancellationToken implements BuildWork.Cancellation {
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();
    private volatile String reason;

    @Override
    public boolean cancelled() {
        return reason != null;
    }

    /** The build's final description, or null while it is not cancelled. */
    String reason() {
        return reason;
    }

    @Override
    public void onCancel(Runnable action) {
        actions.add(action);
        if (cancelled()) {
            action.run();
        }
    }

    synchronized void cancel(String why) {
        if (cancelled()) {
            return;
        }
        reason = why;
        actions.forEach(Runnable::run);
    }
}
