package io.cattlepi.ci.config;

/**
 * A Pi's address as the seed writes it: {@code host}, {@code host:port}, {@code [IPv6]} or
 * {@code [IPv6]:port}; the port defaults to 22. A bare IPv6 address is ambiguous and refused.
 */
record HostPort(String host, int port) {
    static final int SSH = 22;

    /** The parsed address, or null when it is none of the accepted forms. */
    static HostPort parse(String s) {
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            String rest = s.substring(close + 1);
            int port = rest.isEmpty() ? SSH : rest.startsWith(":") ? port(rest.substring(1)) : -1;
            return port < 0 ? null : new HostPort(s.substring(0, close + 1), port);
        }
        int colon = s.indexOf(':');
        if (colon < 0) {
            return new HostPort(s, SSH);
        }
        if (s.indexOf(':', colon + 1) >= 0) {
            return null;
        }
        int port = port(s.substring(colon + 1));
        return port < 0 ? null : new HostPort(s.substring(0, colon), port);
    }

    private static int port(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int p = Integer.parseInt(s);
        return p >= 1 && p <= 65535 ? p : -1;
    }
}
