package io.cattlepi.ci.demo;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Reads a controller's store by its file, whether that controller runs in this process or in
 * another (SQLite in WAL mode lets a reader in beside it). Opened once, when the file exists.
 */
public final class StoreView implements AutoCloseable {
    private final Path file;
    private Store store;

    public StoreView(Path file) {
        this.file = file;
    }

    public synchronized List<Worker> workers() {
        return open() ? store.read(tx -> tx.workers()) : List.of();
    }

    /** Whether the controller has its rack and every Pi is ready. */
    public boolean allReady() {
        List<Worker> ws = workers();
        return !ws.isEmpty() && ws.stream().allMatch(w -> w.state() == WorkerState.READY);
    }

    public synchronized List<Build> buildsOf(String sha) {
        return open() ? store.read(tx -> tx.buildsOf(DemoWorld.REPOSITORY, sha, "pull_request")) : List.of();
    }

    /** The build's boot test, if it has one. */
    public synchronized java.util.Optional<io.cattlepi.ci.boottest.BootTestRecord> bootTest(String buildId) {
        return open() ? store.read(tx -> tx.bootTest(buildId)) : java.util.Optional.empty();
    }

    public synchronized List<Build> recent(int limit) {
        return open() ? store.read(tx -> tx.recentBuilds(limit)) : List.of();
    }

    private boolean open() {
        if (store == null && Files.exists(file)) {
            store = Store.open(file, Clock.systemUTC());
        }
        return store != null;
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
