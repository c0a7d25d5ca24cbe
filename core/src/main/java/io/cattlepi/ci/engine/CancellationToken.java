package io.cattlepi.ci.engine;

import io.cattlepi.ci.build.BuildWork;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A build's cancellation: set once, runs the registered actions (kill the process tree) once. */
final class CancellationToken implements BuildWork.Cancellation {
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public void onCancel(Runnable action) {
        actions.add(action);
        if (cancelled) {
            action.run();
        }
    }

    void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        actions.forEach(Runnable::run);
    }
}
