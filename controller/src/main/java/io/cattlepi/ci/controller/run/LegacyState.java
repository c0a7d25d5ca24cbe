package io.cattlepi.ci.controller.run;

import io.cattlepi.ci.config.StateFolder;
import io.cattlepi.ci.store.StoreBackup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an older install's state to where this release keeps it, once. Before the unit had a
 * state folder, the default store was the service user's data folder
 * ({@code /var/lib/cattlepi-ci/.local/share/cattlepi-ci/cattlepi-ci.db}); now it is
 * {@code /var/lib/cattlepi-ci/cattlepi-ci.db}. The store is copied with SQLite's backup (its WAL
 * included) and the old file is kept, renamed, so nothing is ever lost; the build folders are moved.
 */
public final class LegacyState {
    private static final Logger log = LoggerFactory.getLogger(LegacyState.class);

    private LegacyState() {
    }

    /** Adopts the old default folder's state if {@code store} does not exist yet. Only the starting controller calls this. */
    public static void adopt(Path store, Path workspaces) {
        adopt(store, workspaces, StateFolder.userData(System.getenv(), System.getProperty("user.home")));
    }

    static void adopt(Path store, Path workspaces, Path oldFolder) {
        Path oldStore = oldFolder.resolve(StateFolder.STORE_NAME);
        if (Files.exists(store) || !Files.isRegularFile(oldStore) || sameFile(oldStore, store)) {
            return;
        }
        StoreBackup.backup(oldStore, store);
        Path kept = Path.of(oldStore + ".moved");
        try {
            Files.move(oldStore, kept);
        } catch (IOException e) {
            log.warn("could not rename {} after copying it: {}", oldStore, e.getMessage());
        }
        log.info("state database moved from {} to {}, where this release keeps it; the old file stays as {}",
                oldStore, store, kept);
        Path oldWorkspaces = oldFolder.resolve("workspaces");
        if (Files.isDirectory(oldWorkspaces) && !Files.exists(workspaces)) {
            try {
                Files.createDirectories(workspaces.toAbsolutePath().getParent());
                Files.move(oldWorkspaces, workspaces);
                log.info("build folders moved from {} to {}", oldWorkspaces, workspaces);
            } catch (IOException e) {
                log.warn("build folders of earlier builds stay in {} (could not move them to {}: {})", oldWorkspaces,
                        workspaces, e.getMessage());
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
