package io.cattlepi.ci.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.fleet.Lifecycle.Action;
import io.cattlepi.ci.fleet.Lifecycle.Decision;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The state machine's rules, one observation at a time. */
class LifecycleTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
    private final FleetSettings settings = new FleetSettings(Duration.ofSeconds(60), Duration.ofSeconds(1),
            Duration.ofMinutes(5), 3, Duration.ofSeconds(10), 4);
    private final Lifecycle lifecycle = new Lifecycle(settings);
    private final Observation stock = Observation.up(true, "SHA256:stock");
    private final Observation cattlepiImage = Observation.up(false, "SHA256:flashing");
    private final Observation dead = Observation.down(new ShellException(ShellException.Kind.UNREACHABLE, "refused", null, null));

    private Worker in(WorkerState state) {
        return Worker.discovered("pi-1", "h", 22, null, T0).moveTo(state, "test", T0);
    }

    @Test
    void anAliveUnknownPiIsResetIntoRebuild() {
        Decision d = lifecycle.decide(in(WorkerState.UNKNOWN), stock, T0.plusSeconds(1));
        assertEquals(WorkerState.REBUILD, d.next().state());
        assertEquals(Action.RESET, d.action());
        assertEquals(1, d.next().health().resets());
    }

    @Test
    void aDeadUnknownPiStaysUnknown() {
        Decision d = lifecycle.decide(in(WorkerState.UNKNOWN), dead, T0.plusSeconds(1));
        assertEquals(WorkerState.UNKNOWN, d.next().state());
        assertEquals(Action.NONE, d.action());
    }

    @Test
    void rebuildBecomesReadyOnStockAndPinsThatBootsKey() {
        Decision d = lifecycle.decide(in(WorkerState.REBUILD), stock, T0.plusSeconds(42));
        assertEquals(WorkerState.READY, d.next().state());
        assertEquals("SHA256:stock", d.next().hostKey());
        assertEquals(42_000, d.next().health().lastTimeToReadyMillis());
    }

    @Test
    void rebuildWaitsWhileThePiFlashesOrReboots() {
        assertEquals(WorkerState.REBUILD, lifecycle.decide(in(WorkerState.REBUILD), cattlepiImage, T0.plusSeconds(30)).next().state());
        assertEquals(WorkerState.REBUILD, lifecycle.decide(in(WorkerState.REBUILD), dead, T0.plusSeconds(30)).next().state());
    }

    @Test
    void aResetThatNeverReachesStockIsRetriedThenSendsThePiToMaintenance() {
        Worker w = Lifecycle.startReset(in(WorkerState.UNKNOWN), "first reset", T0);
        Instant now = T0;
        for (int failure = 1; failure < 3; failure++) {
            now = now.plus(Duration.ofMinutes(6));
            Decision d = lifecycle.decide(w, cattlepiImage, now);
            assertEquals(WorkerState.REBUILD, d.next().state(), "failure " + failure);
            assertEquals(Action.RESET, d.action());
            assertEquals(failure, d.next().health().consecutiveFailures());
            w = d.next();
        }
        Decision last = lifecycle.decide(w, cattlepiImage, now.plus(Duration.ofMinutes(6)));
        assertEquals(WorkerState.MAINTENANCE, last.next().state());
        assertTrue(last.next().reason().contains("3 failed resets in a row"), last.next().reason());
    }

    @Test
    void aReadyPiThatStopsAnsweringBecomesUnknownAndLosesItsPin() {
        Worker ready = in(WorkerState.READY).withHostKey("SHA256:stock");
        Decision d = lifecycle.decide(ready, dead, T0.plusSeconds(60));
        assertEquals(WorkerState.UNKNOWN, d.next().state());
        assertNull(d.next().hostKey());
    }

    @Test
    void aRejectedHostKeySendsThePiToMaintenance() {
        Observation impostor = Observation.down(new ShellException(ShellException.Kind.HOST_KEY_REJECTED,
                "host key changed without a reboot", "SHA256:other", null));
        Decision d = lifecycle.decide(in(WorkerState.READY).withHostKey("SHA256:stock"), impostor, T0.plusSeconds(60));
        assertEquals(WorkerState.MAINTENANCE, d.next().state());
        assertTrue(d.next().reason().contains("without a reboot"));
    }

    @Test
    void leasedAndHeldPisAreNeverTouched() {
        for (WorkerState s : new WorkerState[] {WorkerState.BUILDING, WorkerState.AUTOBUILD, WorkerState.MAINTENANCE,
                WorkerState.RETIRED}) {
            Decision d = lifecycle.decide(in(s), dead, T0.plusSeconds(600));
            assertEquals(s, d.next().state());
            assertEquals(Action.NONE, d.action());
        }
    }
}
