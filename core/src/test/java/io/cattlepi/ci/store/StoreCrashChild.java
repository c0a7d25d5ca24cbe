package io.cattlepi.ci.store;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.worker.Worker;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Run in a child JVM by {@link StoreCrashTest}: makes transitions forever, each one a worker
 * counter bump + a build update + an event in one transaction, and prints each committed count.
 */
public final class StoreCrashChild {
    private StoreCrashChild() {
    }

    public static void main(String[] args) {
        Store store = Store.open(Path.of(args[0]), Clock.systemUTC());
        store.write(tx -> {
            if (tx.worker("pi-1").isEmpty()) {
                tx.transition(null, Worker.discovered("pi-1", "h", 22, null, tx.now()));
                tx.buildChanged(null, Build.queued("b1", "o/r", "0".repeat(40), "refs/heads/master", null,
                        "file:///x", "push", "d", null, null, tx.now()));
            }
            return null;
        });
        for (long n = 1; ; n++) {
            long tick = store.write(tx -> {
                Worker w = tx.worker("pi-1").orElseThrow();
                int next = w.health().resets() + 1;
                tx.putWorker(w.withHealth(w.health().resetStarted()));
                Build b = tx.build("b1").orElseThrow();
                tx.putBuild(b.withState(b.state(), "tick " + next));
                tx.append(Event.WORKER, "pi-1", "tick", Integer.toString(next));
                return (long) next;
            });
            System.out.println(tick);
            System.out.flush();
        }
    }
}
