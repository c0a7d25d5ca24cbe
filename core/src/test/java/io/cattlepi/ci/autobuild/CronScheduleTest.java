package io.cattlepi.ci.autobuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    @Test
    void seedScheduleFiresFridayAt1142() {
        CronSchedule weekly = CronSchedule.parse("42 11 * * FRI");
        ZonedDateTime wednesday = ZonedDateTime.of(2026, 11, 25, 9, 0, 0, 0, ZONE);
        assertEquals(ZonedDateTime.of(2026, 11, 27, 11, 42, 0, 0, ZONE), weekly.next(wednesday));
        ZonedDateTime atFire = ZonedDateTime.of(2026, 11, 27, 11, 42, 0, 0, ZONE);
        assertEquals(ZonedDateTime.of(2026, 12, 4, 11, 42, 0, 0, ZONE), weekly.next(atFire), "strictly after");
    }

    @Test
    void listsRangesAndSteps() {
        CronSchedule s = CronSchedule.parse("*/15 8-9 * * MON-FRI");
        ZonedDateTime saturday = ZonedDateTime.of(2026, 11, 28, 12, 0, 0, 0, ZONE);
        assertEquals(ZonedDateTime.of(2026, 11, 30, 8, 0, 0, 0, ZONE), s.next(saturday));
        assertEquals(ZonedDateTime.of(2026, 11, 30, 8, 15, 0, 0, ZONE), s.next(s.next(saturday)));
    }

    @Test
    void sundayIsZeroOrSeven() {
        ZonedDateTime monday = ZonedDateTime.of(2026, 11, 30, 0, 0, 0, 0, ZONE);
        assertEquals(CronSchedule.parse("0 0 * * 0").next(monday), CronSchedule.parse("0 0 * * 7").next(monday));
    }

    @Test
    void badExpressionsNameTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("42 11 * *")).getMessage().contains("5 fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("61 11 * * FRI")).getMessage().startsWith("minute"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 0 * * FUNDAY")).getMessage().startsWith("day of week"));
    }
}
