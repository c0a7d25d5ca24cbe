package io.cattlepi.ci.untrusted;

/**
 * Text that came from outside (a payload, a message, a file name) made safe to print on one line:
 * control characters, bidi overrides, line separators, noncharacters and lone surrogates become
 * visible escapes (backslash-n, backslash-u202e), so a value can neither forge a log line nor
 * reorder what a reader sees, and every encoder (UTF-8, JSON, SQLite) takes the result.
 */
public final class Printable {
    private Printable() {
    }

    /** The value with every character {@link #isNeutralised} escaped; "null" for null. */
    public static String of(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int width = Character.charCount(cp);
            if (isNeutralised(cp)) {
                if (out == null) {
                    out = new StringBuilder(value.length() + 16).append(value, 0, i);
                }
                escape(cp, out);
            } else if (out != null) {
                out.appendCodePoint(cp);
            }
            i += width;
        }
        return out == null ? value : out.toString();
    }

    /** {@link #of} cut to {@code max} characters with an ellipsis and the original length, for messages. */
    public static String clipped(String value, int max) {
        if (value == null) {
            return "null";
        }
        if (value.length() <= max) {
            return of(value);
        }
        int end = max;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return of(value.substring(0, end)) + "… (" + value.length() + " characters)";
    }

    /**
     * Whether a code point must not reach a log line or a page as it is: C0 controls (tab too: it
     * hides what follows), DEL, C1 controls, bidi embeddings, overrides, isolates and marks, line and
     * paragraph separators, noncharacters U+FFFE/U+FFFF and lone surrogates.
     */
    public static boolean isNeutralised(int cp) {
        return cp < 0x20 || cp >= 0x7f && cp <= 0x9f || isBidiControl(cp) || cp == 0x2028 || cp == 0x2029
                || cp == 0xfffe || cp == 0xffff || cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE;
    }

    /** The formatting characters that reorder displayed text (the "Trojan Source" set). */
    public static boolean isBidiControl(int cp) {
        return cp == 0x061c || cp == 0x200e || cp == 0x200f || cp >= 0x202a && cp <= 0x202e
                || cp >= 0x2066 && cp <= 0x2069;
    }

    private static void escape(int cp, StringBuilder out) {
        switch (cp) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> out.append(String.format("\\u%04x", cp));
        }
    }
}
