package io.cattlepi.ci.fleet;

import io.cattlepi.ci.worker.Throttled;
import io.cattlepi.ci.worker.Vitals;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Pi's health in one command on an open session: {@code vcgencmd get_throttled} and the SoC
 * temperature ({@code vcgencmd measure_temp}, or the kernel's thermal zone where vcgencmd cannot
 * measure). The Pi is not trusted (a build runs as root on it): the answer is bounded, only the
 * exact formats are accepted, and anything else is "unknown", never an exception.
 */
public final class VitalsReading {
    /** One round trip for both values; stderr is dropped, the exit code means nothing here. */
    public static final String COMMAND = "vcgencmd get_throttled 2>/dev/null; vcgencmd measure_temp 2>/dev/null"
            + " || cat /sys/class/thermal/thermal_zone0/temp 2>/dev/null";
    /** A real answer is under 40 characters; anything longer is not one. */
    static final int MAX_CHARS = 256;
    /** vcgencmd answers in milliseconds: a Pi that takes longer must not hold a probe for the whole command timeout. */
    static final Duration LIMIT = Duration.ofSeconds(5);
    /** Beyond what a Pi's SoC reports alive (it shuts down at 85-110 °C): a bigger number is not a reading. */
    static final double MIN_CELSIUS = -40;
    static final double MAX_CELSIUS = 150;

    private static final Pattern THROTTLED = Pattern.compile("throttled=0x([0-9a-fA-F]{1,8})");
    private static final Pattern MEASURED = Pattern.compile("temp=(-?[0-9]{1,3}(?:\\.[0-9]{1,3})?)'C");
    private static final Pattern MILLIDEGREES = Pattern.compile("-?[0-9]{1,7}");

    private VitalsReading() {
    }

    /** Runs {@link #COMMAND} on {@code session}; a failed or timed-out command is an unknown reading. */
    public static Vitals read(WorkerShell.Session session, Duration timeout, Instant at) {
        try {
            Duration limit = timeout.compareTo(LIMIT) < 0 ? timeout : LIMIT;
            return parse(session.exec(COMMAND, limit, MAX_CHARS + 1).stdout(), at);
        } catch (ShellException e) {
            return Vitals.unknown(at);
        }
    }

    /**
     * What the command printed, line by line: exactly one {@code throttled=0x...} line, and exactly
     * one temperature ({@code temp=48.3'C}, or millidegrees from the thermal zone). A value seen
     * twice, out of range or malformed is unknown; lines of any other shape are ignored.
     */
    public static Vitals parse(String stdout, Instant at) {
        if (stdout == null || stdout.length() > MAX_CHARS) {
            return Vitals.unknown(at);
        }
        Throttled throttled = null;
        int throttledLines = 0;
        Double measured = null;
        int measuredLines = 0;
        Double zone = null;
        int zoneLines = 0;
        for (String raw : stdout.split("\n", -1)) {
            String line = raw.strip();
            Matcher m;
            if ((m = THROTTLED.matcher(line)).matches()) {
                throttledLines++;
                throttled = new Throttled(Integer.parseUnsignedInt(m.group(1), 16));
            } else if ((m = MEASURED.matcher(line)).matches()) {
                measuredLines++;
                measured = plausible(Double.parseDouble(m.group(1)));
            } else if (MILLIDEGREES.matcher(line).matches()) {
                zoneLines++;
                zone = plausible(Integer.parseInt(line) / 1000.0);
            }
        }
        Double celsius = measuredLines == 1 ? measured : measuredLines == 0 && zoneLines == 1 ? zone : null;
        return new Vitals(throttledLines == 1 ? throttled : null, celsius, at);
    }

    private static Double plausible(double celsius) {
        return celsius >= MIN_CELSIUS && celsius <= MAX_CELSIUS ? Math.round(celsius * 10) / 10.0 : null;
    }
}
