package io.cattlepi.ci.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * A Pi's {@code vcgencmd get_throttled} value: what its firmware saw of its power supply and its
 * temperature. Bits 0-3 say what is happening now, bits 16-19 what has happened since the Pi
 * booted (they stay set until the next boot). Other bits are kept, not interpreted.
 */
public record Throttled(int bits) {
    /** The four conditions, as masks of {@link #now()} and {@link #occurred()}. */
    public static final int UNDER_VOLTAGE = 1;
    public static final int FREQUENCY_CAPPED = 2;
    public static final int THROTTLED = 4;
    public static final int SOFT_TEMP_LIMIT = 8;

    /** What is happening now (bits 0-3). */
    public int now() {
        return bits & 0xF;
    }

    /** What has happened since boot (bits 16-19), as the same masks as {@link #now()}. */
    public int occurred() {
        return (bits >>> 16) & 0xF;
    }

    public boolean underVoltageNow() {
        return (now() & UNDER_VOLTAGE) != 0;
    }

    public boolean throttledNow() {
        return (now() & THROTTLED) != 0;
    }

    /** Whether anything, now or since boot, is flagged. */
    public boolean any() {
        return (now() | occurred()) != 0;
    }

    /** As vcgencmd prints it: {@code 0x50005}. */
    public String hex() {
        return "0x" + Integer.toHexString(bits);
    }

    /** The conditions of a mask in words, most serious first: "under-voltage, throttled". */
    public static String describe(int mask) {
        return String.join(", ", conditions(mask));
    }

    /** The conditions of a mask, one word each, most serious first. */
    public static List<String> conditions(int mask) {
        List<String> words = new ArrayList<>();
        if ((mask & UNDER_VOLTAGE) != 0) {
            words.add("under-voltage");
        }
        if ((mask & THROTTLED) != 0) {
            words.add("throttled");
        }
        if ((mask & FREQUENCY_CAPPED) != 0) {
            words.add("ARM frequency capped");
        }
        if ((mask & SOFT_TEMP_LIMIT) != 0) {
            words.add("soft temperature limit");
        }
        return List.copyOf(words);
    }
}
