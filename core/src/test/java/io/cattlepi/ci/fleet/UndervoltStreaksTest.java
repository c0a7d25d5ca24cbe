package io.cattlepi.ci.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Throttled;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The undervoltage streak as the store keeps it: what counts, what ends it, what leaves it alone. */
class UndervoltStreaksTest {
    private static final VitalsBoard.Strain UNDERVOLTED = new VitalsBoard.Strain(Throttled.UNDER_VOLTAGE, true);
    private static final VitalsBoard.Strain THROTTLED = new VitalsBoard.Strain(Throttled.THROTTLED, true);

    @TempDir
    Path dir;
    private Store store;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("store.db"), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Optional<String> ended(VitalsBoard.Strain strain, int limit) {
        return store.write(tx -> UndervoltStreaks.count(tx, "pi-1", strain, limit, "build b ended: success"));
    }

    private int streak() {
        return store.read(tx -> UndervoltStreaks.of(tx, "pi-1"));
    }

    @Test
    void theThirdUndervoltedBuildInARowIsTheReasonAndTheStreakStartsAgain() {
        assertEquals(Optional.empty(), ended(UNDERVOLTED, 3));
        assertEquals(Optional.empty(), ended(UNDERVOLTED, 3));
        assertEquals(2, streak());
        assertEquals(Optional.of("undervolted in 3 builds in a row"), ended(UNDERVOLTED, 3));
        assertEquals(0, streak());
        assertEquals(3, store.read(tx -> tx.events(Event.WORKER, "pi-1", 10)).stream()
                .filter(e -> e.kind().equals(UndervoltStreaks.EVENT)).count());
    }

    @Test
    void aBuildWithoutUndervoltageEndsItAndOneThatCouldNotBeReadLeavesIt() {
        ended(UNDERVOLTED, 3);
        ended(UNDERVOLTED, 3);
        ended(VitalsBoard.Strain.UNKNOWN, 3);
        assertEquals(2, streak(), "a Pi that did not say is no evidence either way");
        ended(THROTTLED, 3);
        assertEquals(0, streak(), "throttled only: the streak of undervoltage is over");
        assertEquals(Optional.empty(), ended(UNDERVOLTED, 3));
    }

    @Test
    void zeroNeverSendsAPiToMaintenanceButStillCounts() {
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), ended(UNDERVOLTED, 0));
        }
        assertEquals(5, streak());
    }
}
