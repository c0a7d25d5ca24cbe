package io.cattlepi.ci.controller.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An older install kept its store in the service user's data folder; the first start of this
 * release brings it to the state folder, once, and keeps the old file.
 */
class LegacyStateTest {
    @TempDir
    Path root;

    @Test
    void theOlderInstallsStoreAndBuildFoldersMoveToTheStateFolderOnceAndTheOldFileIsKept() throws Exception {
        Path home = root.resolve("var/lib/cattlepi-ci");
        Path old = home.resolve(".local/share/cattlepi-ci");
        try (Store store = Store.open(old.resolve("cattlepi-ci.db"), Clock.systemUTC())) {
            store.write(tx -> {
                tx.transition(null, Worker.discovered("pi-1", "10.0.0.1", 22, null, tx.now()));
                return null;
            });
        }
        Files.createDirectories(old.resolve("workspaces/20261124-101500-a1b2c3"));
        Files.writeString(old.resolve("workspaces/20261124-101500-a1b2c3/build.log"), "built\n");

        Path store = home.resolve("cattlepi-ci.db");
        Path workspaces = home.resolve("workspaces");
        LegacyState.adopt(store, workspaces, old);

        try (Store moved = Store.open(store, Clock.systemUTC())) {
            assertEquals("pi-1", moved.read(tx -> tx.workers()).get(0).id());
        }
        assertEquals("built\n", Files.readString(workspaces.resolve("20261124-101500-a1b2c3/build.log")));
        assertTrue(Files.isRegularFile(old.resolve("cattlepi-ci.db.moved")), "the old file is kept, renamed");
        assertFalse(Files.exists(old.resolve("cattlepi-ci.db")));

        // Once: a later start finds the store in place and leaves everything alone.
        Files.writeString(old.resolve("cattlepi-ci.db"), "an older install started again by mistake");
        LegacyState.adopt(store, workspaces, old);
        assertEquals("an older install started again by mistake", Files.readString(old.resolve("cattlepi-ci.db")));
    }

    @Test
    void nothingHappensWithoutAnOlderStore() {
        Path home = root.resolve("state");
        LegacyState.adopt(home.resolve("cattlepi-ci.db"), home.resolve("workspaces"), root.resolve("nothing-here"));
        assertFalse(Files.exists(home.resolve("cattlepi-ci.db")));
    }
}
