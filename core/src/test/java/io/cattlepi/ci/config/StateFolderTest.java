package io.cattlepi.ci.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the store goes when store_path is not set: the unit's state folder first, else the user's data folder. */
class StateFolderTest {
    @Test
    void theUnitsStateFolderWins() {
        assertEquals(Path.of("/var/lib/cattlepi-ci"), StateFolder.of(
                Map.of("STATE_DIRECTORY", "/var/lib/cattlepi-ci", "XDG_DATA_HOME", "/elsewhere"), "/var/lib/cattlepi-ci"));
    }

    @Test
    void withoutItTheUsersDataFolderAsBefore() {
        assertEquals(Path.of("/data/cattlepi-ci"), StateFolder.of(Map.of("XDG_DATA_HOME", "/data"), "/home/op"));
        assertEquals(Path.of("/home/op/.local/share/cattlepi-ci"), StateFolder.of(Map.of(), "/home/op"));
    }

    @Test
    void theOlderInstallsStoreWasInTheServiceUsersHome() {
        assertEquals(Path.of("/var/lib/cattlepi-ci/.local/share/cattlepi-ci"),
                StateFolder.userData(Map.of(), "/var/lib/cattlepi-ci"));
    }
}
