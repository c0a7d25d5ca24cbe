package io.cattlepi.ci.demo;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.fleet.Worker;
import io.cattlepi.ci.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Reads a controller's store by its file, whether that controller runs in this process or another. */
final class StoreView {
    private final Path file;

    StoreView(Path file) {
        this.file = file;
    }

    List<Worker> workers() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (Store store = Store.open(file, Clock.systemUTC())) {
            return store.read(tx -> tx.workers());
        }
    }

    List<Build> buildsOf(String sha) {
        try (Store store = Store.open(file, Clock.systemUTC())) {
            return store.read(tx -> tx.buildsOf(DemoWorld.REPOSITORY, sha, "pull_request"));
        }
    }

    List<Build> recent(int limit) {
        try (Store store = Store.open(file, Clock.systemUTC())) {
            return store.read(tx -> tx.recentBuilds(limit));
        }
    }
}
