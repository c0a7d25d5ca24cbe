package io.cattlepi.ci.report;

import java.nio.charset.StandardCharsets;

/** Object keys turned into URL paths: each segment percent-encoded, prefixes joined with exactly one slash. */
final class UrlPath {
    private static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    private UrlPath() {
    }

    /** Percent-encodes every character of each '/'-separated segment except RFC 3986 unreserved ones. */
    static String encode(String path) {
        StringBuilder out = new StringBuilder(path.length() + 16);
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '/' || UNRESERVED.indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    static String join(String prefix, String path) {
        return prefix.replaceAll("/+$", "") + "/" + path.replaceAll("^/+", "");
    }
}
