package io.cattlepi.ci.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.worker.Throttled;
import io.cattlepi.ci.worker.Vitals;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What real Pis print for the health command, and what a hostile one might. */
class VitalsReadingTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00Z");

    private static Vitals parse(String out) {
        return VitalsReading.parse(out, AT);
    }

    @Test
    void aHealthyPi3bPlus() {
        Vitals v = parse("throttled=0x0\ntemp=48.3'C\n");
        assertEquals(0, v.throttled().bits());
        assertFalse(v.throttled().any());
        assertEquals(48.3, v.celsius());
        assertEquals(AT, v.readAt());
    }

    @Test
    void anUndervoltedPiOnAPhoneCharger() {
        Throttled t = parse("throttled=0x50005\ntemp=61.2'C\n").throttled();
        assertTrue(t.underVoltageNow());
        assertTrue(t.throttledNow());
        assertEquals(Throttled.UNDER_VOLTAGE | Throttled.THROTTLED, t.now());
        assertEquals(Throttled.UNDER_VOLTAGE | Throttled.THROTTLED, t.occurred());
        assertEquals("0x50005", t.hex());
        assertEquals("under-voltage, throttled", Throttled.describe(t.now()));
    }

    @Test
    void underVoltageThatHasPassedStaysInTheHighBits() {
        Throttled t = parse("throttled=0x50000\ntemp=45.0'C").throttled();
        assertFalse(t.underVoltageNow());
        assertEquals(Throttled.UNDER_VOLTAGE | Throttled.THROTTLED, t.occurred());
        Throttled hot = parse("throttled=0xe0008\n").throttled();
        assertEquals(Throttled.SOFT_TEMP_LIMIT, hot.now());
        assertEquals("throttled, ARM frequency capped, soft temperature limit", Throttled.describe(hot.occurred()));
    }

    @Test
    void withoutVcgencmdTheThermalZoneGivesTheTemperature() {
        Vitals v = parse("52612\n");
        assertNull(v.throttled());
        assertEquals(52.6, v.celsius());
    }

    @Test
    void nothingPrintedIsUnknown() {
        Vitals v = parse("");
        assertFalse(v.known());
        assertFalse(parse(null).known());
    }

    @Test
    void garbageIsUnknownNeverAnException() {
        for (String hostile : new String[] {
            "throttled=0x\n", "throttled=0xZZ\n", "throttled=0x123456789\n", "throttled=50005\n",
            "throttled=0x5 extra\n", "throttled=-0x5\n", "temp=48.3C\n", "temp=1e3'C\n", "temp=4444'C\n",
            "temp=999'C\n", "999999999\n", "\u0000\u0001\n", "throttled=0x50005\u0000\n",
            "VCHI initialization failed\n",
        }) {
            Vitals v = parse(hostile);
            assertNull(v.throttled(), hostile);
            assertNull(v.celsius(), hostile);
        }
    }

    @Test
    void aValueSaidTwiceIsNotBelieved() {
        Vitals v = parse("throttled=0x0\nthrottled=0x50005\ntemp=40.0'C\ntemp=90.0'C\n");
        assertNull(v.throttled());
        assertNull(v.celsius());
    }

    @Test
    void anAnswerLongerThanARealOneIsIgnoredWhole() {
        String padded = "throttled=0x0\ntemp=40.0'C\n" + "x".repeat(VitalsReading.MAX_CHARS);
        assertFalse(parse(padded).known());
    }

    @Test
    void anImpossibleTemperatureIsUnknownButTheFlagsStay() {
        Vitals v = parse("throttled=0x0\ntemp=-273.1'C\n");
        assertEquals(0, v.throttled().bits());
        assertNull(v.celsius());
        assertNull(parse("151000\n").celsius());
    }

    @Test
    void linesOfOtherShapesAreIgnored() {
        Vitals v = parse("warning: something the firmware said\r\nthrottled=0x80000\r\ntemp=70.1'C\r\n");
        assertEquals(0x80000, v.throttled().bits());
        assertEquals(Throttled.SOFT_TEMP_LIMIT, v.throttled().occurred());
        assertEquals(70.1, v.celsius());
    }
}
