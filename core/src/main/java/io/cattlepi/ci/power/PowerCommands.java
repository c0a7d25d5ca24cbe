package io.cattlepi.ci.power;

import io.cattlepi.ci.worker.RackMember;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one Pi's power is switched: two argument lists, run without a shell. {@code {name}},
 * {@code {host}} and {@code {mac}} are filled in inside each argument, so a value never becomes
 * more than the one argument it was written in.
 */
public record PowerCommands(List<String> off, List<String> on) {
    /** The placeholders a command may use. */
    public static final List<String> PLACEHOLDERS = List.of("{name}", "{host}", "{mac}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^{}]*}");

    public PowerCommands {
        off = checked(off, "off");
        on = checked(on, "on");
    }

    private static List<String> checked(List<String> argv, String which) {
        Objects.requireNonNull(argv, which);
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw new IllegalArgumentException(which + ": a command (program and arguments) is needed");
        }
        for (String a : argv) {
            Matcher m = PLACEHOLDER.matcher(a);
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group())) {
                    throw new IllegalArgumentException(which + ": unknown placeholder " + m.group() + " (known: "
                            + String.join(", ", PLACEHOLDERS) + ")");
                }
            }
        }
        return List.copyOf(argv);
    }

    /** These commands for one Pi, placeholders filled in; a Pi without a MAC cannot use {@code {mac}}. */
    public PowerCommands forPi(RackMember pi) {
        return new PowerCommands(fill(off, pi), fill(on, pi));
    }

    /** Whether the commands need the Pi's MAC. */
    public boolean needsMac() {
        return off.stream().anyMatch(a -> a.contains("{mac}")) || on.stream().anyMatch(a -> a.contains("{mac}"));
    }

    private static List<String> fill(List<String> argv, RackMember pi) {
        if (pi.mac() == null && (argv.stream().anyMatch(a -> a.contains("{mac}")))) {
            throw new IllegalArgumentException("Pi " + pi.id() + " has no mac, and its power commands use {mac}");
        }
        return argv.stream().map(a -> a.replace("{name}", pi.id()).replace("{host}", pi.host())
                .replace("{mac}", pi.mac() == null ? "" : pi.mac())).toList();
    }
}
