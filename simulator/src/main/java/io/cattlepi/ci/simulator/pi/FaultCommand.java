package io.cattlepi.ci.simulator.pi;

import io.cattlepi.ci.simulator.api.CattlePiApiServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Faults on demand from a command line (the {@code simulate} command reads them from stdin), one
 * per line: {@code power-loss PI SECONDS}, {@code hang PI}, {@code unhang PI}, {@code boot-loop PI on|off},
 * {@code change-host-key PI}, {@code refuse-auth PI on|off}, {@code slow-link PI MILLIS},
 * {@code late-report PI MILLIS} (usercode runs that long after SSH is up), {@code reboot PI},
 * {@code api-down on|off}, {@code undervolt PI on|off}, {@code throttle PI on|off} (what
 * {@code vcgencmd get_throttled} flags; "has occurred" stays until the next boot),
 * {@code temperature PI CELSIUS}.
 */
public final class FaultCommand {
    public static final String USAGE = "power-loss PI SECONDS | hang PI | unhang PI | boot-loop PI on|off"
            + " | change-host-key PI | refuse-auth PI on|off | slow-link PI MILLIS | late-report PI MILLIS | reboot PI"
            + " | api-down on|off | undervolt PI on|off | throttle PI on|off | temperature PI CELSIUS";

    private final PiRack rack;
    private final CattlePiApiServer api;

    public FaultCommand(PiRack rack, CattlePiApiServer api) {
        this.rack = rack;
        this.api = api;
    }

    /** Applies one line; returns what was done, or throws with a message naming the bad word. */
    public String apply(String line) throws IOException {
        List<String> w = List.of(line.trim().split("\\s+"));
        String verb = w.get(0);
        if (verb.equals("api-down")) {
            api.setDown(onOff(w, 1));
            return "CattlePi API " + (onOff(w, 1) ? "down" : "up");
        }
        SimulatedPi pi = pi(w);
        switch (verb) {
            case "power-loss" -> pi.powerLoss(Duration.ofSeconds(number(w, 2)));
            case "hang" -> pi.hang();
            case "unhang" -> pi.unhang();
            case "boot-loop" -> pi.bootLoop(onOff(w, 2));
            case "change-host-key" -> pi.changeHostKey();
            case "refuse-auth" -> pi.refuseAuth(onOff(w, 2));
            case "slow-link" -> pi.slowLink(Duration.ofMillis(number(w, 2)));
            case "late-report" -> pi.lateUsercode(Duration.ofMillis(number(w, 2)));
            case "reboot" -> pi.reboot();
            case "undervolt" -> pi.undervolt(onOff(w, 2));
            case "throttle" -> pi.throttle(onOff(w, 2));
            case "temperature" -> pi.temperature(celsius(w, 2));
            default -> throw new IllegalArgumentException("unknown fault \"" + verb + "\"; expected " + USAGE);
        }
        return verb + " " + pi.name() + (w.size() > 2 ? " " + w.get(2) : "");
    }

    private SimulatedPi pi(List<String> w) {
        if (w.size() < 2) {
            throw new IllegalArgumentException(w.get(0) + ": which Pi?");
        }
        try {
            return rack.pi(w.get(1));
        } catch (java.util.NoSuchElementException e) {
            throw new IllegalArgumentException("no Pi named \"" + w.get(1) + "\"");
        }
    }

    private static boolean onOff(List<String> w, int i) {
        String v = w.size() > i ? w.get(i) : "";
        if (!v.equals("on") && !v.equals("off")) {
            throw new IllegalArgumentException(w.get(0) + ": expected on or off, got \"" + v + "\"");
        }
        return v.equals("on");
    }

    /** What a Pi's SoC may report: -40 to 125 °C, one decimal. */
    private static double celsius(List<String> w, int i) {
        String v = w.size() > i ? w.get(i) : "";
        if (v.matches("-?[0-9]{1,3}(\\.[0-9])?")) {
            double c = Double.parseDouble(v);
            if (c >= -40 && c <= 125) {
                return c;
            }
        }
        throw new IllegalArgumentException(w.get(0) + ": expected degrees Celsius from -40 to 125, got \"" + v + "\"");
    }

    private static long number(List<String> w, int i) {
        try {
            long n = Long.parseLong(w.size() > i ? w.get(i) : "");
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(w.get(0) + ": expected a non-negative number, got \""
                    + (w.size() > i ? w.get(i) : "") + "\"");
        }
    }
}
