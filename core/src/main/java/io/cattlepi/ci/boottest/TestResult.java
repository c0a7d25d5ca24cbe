package io.cattlepi.ci.boottest;

import java.util.Locale;
import java.util.Objects;

/**
 * How one test of a battery ended on the Pi.
 *
 * @param exitCode the test's exit code on the Pi, or -1 when it did not finish
 * @param message  why it failed or was skipped (empty when it passed)
 * @param output   the tail of what it printed, secrets masked
 */
public record TestResult(String name, Verdict verdict, int exitCode, double seconds, String message, String output) {
    /** A test passed, failed (non-zero exit, timed out) or never ran (the battery's time ran out, the Pi died). */
    public enum Verdict {
        PASSED, FAILED, SKIPPED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Verdict fromWire(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    public TestResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(verdict, "verdict");
        message = message == null ? "" : message;
        output = output == null ? "" : output;
    }

    public static TestResult skipped(String name, String why) {
        return new TestResult(name, Verdict.SKIPPED, -1, 0, why, "");
    }
}
