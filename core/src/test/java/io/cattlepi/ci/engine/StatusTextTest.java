package io.cattlepi.ci.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A status description with the Pi's health added still fits GitHub's 140 characters, the health part whole. */
class StatusTextTest {
    @Test
    void aShortDescriptionKeepsItAll() {
        assertEquals("make raspbian_cattlepi passed; Pi undervolted",
                StatusText.withSuffix("make raspbian_cattlepi passed", "; Pi undervolted"));
    }

    @Test
    void aLongDescriptionIsShortenedBeforeTheSuffix() {
        String long1 = "x".repeat(200);
        String s = StatusText.withSuffix(long1, "; Pi undervolted, throttled");
        assertEquals(140, s.length());
        assertTrue(s.endsWith("x…; Pi undervolted, throttled"), s);
        assertEquals(140, StatusText.withSuffix("y".repeat(113), "; Pi undervolted, throttled").length());
        assertEquals("y".repeat(113) + "; Pi undervolted, throttled",
                StatusText.withSuffix("y".repeat(113), "; Pi undervolted, throttled"));
    }
}
