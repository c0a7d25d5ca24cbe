package io.cattlepi.ci.worker;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A Pi as configured: its id (name), where SSH reaches it, its MAC when known, and its labels
 * (what builds may ask for: {@code pi4}, {@code usb-ssd}).
 */
public record RackMember(String id, String host, int port, String mac, Set<String> labels) {
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    public static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.+-]{1,64}");

    public RackMember {
        labels = Set.copyOf(new TreeSet<>(labels == null ? Set.of() : labels));
    }

    public RackMember(String id, String host, int port, String mac) {
        this(id, host, port, mac, Set.of());
    }
    public static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9a-fA-F:]+\\]");
    public static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

    /** A configured value that cannot be a Pi's; {@link #field()} names it. */
    public static final class InvalidMember extends IllegalArgumentException {
        private final String field;

        InvalidMember(String field, String message) {
            super(message);
            this.field = field;
        }

        /** {@code name}, {@code host}, {@code port}, {@code mac} or {@code labels}. */
        public String field() {
            return field;
        }
    }

    /**
     * Checks the fields the way both front ends take them (build-control config, Jenkins cloud).
     *
     * @param mac lowercase, or null when unknown
     * @throws InvalidMember naming the first bad field
     */
    public static RackMember of(String name, String host, int port, String mac) {
        return of(name, host, port, mac, Set.of());
    }

    /** As {@link #of(String, String, int, String)}, with labels, each checked like a name. */
    public static RackMember of(String name, String host, int port, String mac, Collection<String> labels) {
        if (host == null || !HOST.matcher(host).matches()) {
            throw new InvalidMember("host", "missing or not a host name or address");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidMember("name", "must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (port < 1 || port > 65535) {
            throw new InvalidMember("port", "must be a port number 1-65535");
        }
        if (mac != null && !MAC.matcher(mac).matches()) {
            throw new InvalidMember("mac", "must be a lowercase MAC like b8:27:eb:6c:33:e2");
        }
        for (String l : labels) {
            if (l == null || !LABEL.matcher(l).matches()) {
                throw new InvalidMember("labels", "a label is 1-64 letters, digits, '.', '_', '+' or '-', got \"" + l + "\"");
            }
        }
        return new RackMember(name, host, port, mac, Set.copyOf(labels));
    }
}
