package io.cattlepi.ci.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.worker.Throttled;
import io.cattlepi.ci.worker.Vitals;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which of a Pi's firmware flags are a build's: what it read while the build ran, across the recipe's reboots. */
class VitalsBoardTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");
    private final VitalsBoard board = new VitalsBoard();
    private int seconds;

    private void read(int bits) {
        board.record("pi-1", new Vitals(new Throttled(bits), 50.0, AT.plusSeconds(seconds++)));
    }

    @Test
    void undervoltageNowDuringTheBuildIsTheBuilds() {
        read(0x0);
        board.watch("pi-1");
        read(0x10001);
        VitalsBoard.Strain s = board.endWatch("pi-1");
        assertTrue(s.known() && s.undervolted());
        assertFalse(s.throttled());
        assertEquals("; Pi undervolted", s.statusSuffix());
        assertEquals("Pi pi-1 reported under-voltage during this build (vcgencmd get_throttled); a build on such a Pi"
                + " may fail for that alone: check the Pi's power supply and cooling", s.logLine("pi-1"));
    }

    @Test
    void whatHadOccurredBeforeTheBuildOnTheSameBootIsNot() {
        read(0x40000);
        board.watch("pi-1");
        read(0x40000);
        VitalsBoard.Strain s = board.endWatch("pi-1");
        assertTrue(s.known());
        assertEquals(0, s.flagged());
        assertEquals("", s.statusSuffix());
        assertNull(s.logLine("pi-1"));
    }

    @Test
    void afterARebootEveryFlagIsTheBuilds() {
        read(0x40000);
        board.watch("pi-1");
        read(0x0); // the recipe rebooted the Pi: the old boot's flags are gone
        read(0x40000); // throttled at some point since, and no longer
        VitalsBoard.Strain s = board.endWatch("pi-1");
        assertTrue(s.throttled());
        assertEquals("; Pi throttled", s.statusSuffix());
    }

    @Test
    void aPiThatNeverSaidIsUnknownAndAnEndedWatchIsGone() {
        board.watch("pi-1");
        board.record("pi-1", Vitals.unknown(AT));
        assertFalse(board.endWatch("pi-1").known());
        read(0x10001);
        assertFalse(board.endWatch("pi-1").known(), "no build is watched");
    }

    @Test
    void bothFlagsInTheStatusSuffix() {
        board.watch("pi-1");
        read(0x50005);
        assertEquals("; Pi undervolted, throttled", board.endWatch("pi-1").statusSuffix());
    }
}
