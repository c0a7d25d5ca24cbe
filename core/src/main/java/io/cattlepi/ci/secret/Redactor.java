package io.cattlepi.ci.secret;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the config's secrets out of whatever leaves a build (its log, artifacts, status
 * description). Knows each secret in the forms a hostile recipe could print it in: as is,
 * reversed, hex, URL-encoded and base64 at every alignment (so a secret inside a larger base64
 * stream is found too), and line by line for multi-line keys. Defence in depth: the sandbox
 * already keeps the secrets out of a build's reach.
 */
public final class Redactor {
    public static final String MASK = "****";
    /** Shorter values would mask ordinary words; the config check asks for longer secrets anyway. */
    private static final int MIN_FORM = 6;
    private static final int CHUNK = 1 << 20;

    private final List<String> forms;
    /** Each form's first {@link #MIN_FORM} bytes, packed: a byte stream is scanned in one pass. */
    private final Map<Long, List<byte[]>> byPrefix = new HashMap<>();
    private final int longest;

    private Redactor(List<String> forms) {
        this.forms = forms;
        int max = 0;
        for (String f : forms) {
            byte[] b = f.getBytes(StandardCharsets.UTF_8);
            byPrefix.computeIfAbsent(prefix(b, 0), k -> new ArrayList<>()).add(b);
            max = Math.max(max, b.length);
        }
        this.longest = max;
    }

    public static Redactor of(Collection<Secret> secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (Secret s : secrets) {
            if (s != null) {
                forms.addAll(formsOf(s.reveal()));
            }
        }
        List<String> sorted = new ArrayList<>(forms);
        sorted.removeIf(f -> f.length() < MIN_FORM);
        // Longest first, so a form is masked whole before a shorter one inside it.
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(sorted));
    }

    public static Redactor none() {
        return new Redactor(List.of());
    }

    /** Every form a secret is looked for in. */
    public static List<String> formsOf(String value) {
        Set<String> out = new LinkedHashSet<>();
        String v = value.strip();
        if (v.isEmpty()) {
            return List.of();
        }
        out.add(v);
        out.add(new StringBuilder(v).reverse().toString());
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        out.add(HexFormat.of().formatHex(bytes));
        out.add(HexFormat.of().withUpperCase().formatHex(bytes));
        out.add(URLEncoder.encode(v, StandardCharsets.UTF_8));
        out.add(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
        out.addAll(base64Cores(bytes, Base64.getEncoder()));
        out.addAll(base64Cores(bytes, Base64.getUrlEncoder()));
        if (v.contains("\n")) {
            for (String line : v.split("\\R")) {
                if (line.strip().length() >= 16) {
                    out.add(line.strip());
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * The characters base64 gives the secret however it is aligned in a longer input: encoded
     * after 0, 1 or 2 other bytes, without the characters that also depend on its neighbours.
     */
    private static List<String> base64Cores(byte[] secret, Base64.Encoder encoder) {
        List<String> out = new ArrayList<>();
        out.add(encoder.encodeToString(secret));
        out.add(encoder.withoutPadding().encodeToString(secret));
        for (int offset = 0; offset < 3; offset++) {
            byte[] shifted = new byte[offset + secret.length];
            System.arraycopy(secret, 0, shifted, offset, secret.length);
            String enc = encoder.withoutPadding().encodeToString(shifted);
            // Characters wholly determined by the secret's bytes: skip the leading mixed group, drop the tail's.
            int start = offset == 0 ? 0 : (offset == 1 ? 2 : 3);
            int fullBytes = (offset + secret.length) / 3 * 3;
            int end = fullBytes / 3 * 4;
            if (end > start) {
                out.add(enc.substring(start, end));
            }
        }
        return out;
    }

    /** {@code text} with every form of every secret replaced by {@link #MASK}. */
    public String redact(String text) {
        if (text == null || forms.isEmpty()) {
            return text;
        }
        String out = text;
        for (String f : forms) {
            if (out.contains(f)) {
                out = out.replace(f, MASK);
            }
        }
        return out;
    }

    /** Whether a byte stream (an artifact, binary or not) holds any form of a secret; reads it once. */
    public boolean reveals(InputStream in) throws IOException {
        if (forms.isEmpty()) {
            return false;
        }
        int keep = longest - 1;
        byte[] window = new byte[CHUNK + keep];
        int carried = 0;
        while (true) {
            int n = in.readNBytes(window, carried, CHUNK);
            int filled = carried + n;
            for (int i = 0; i + MIN_FORM <= filled; i++) {
                List<byte[]> candidates = byPrefix.get(prefix(window, i));
                if (candidates != null) {
                    for (byte[] c : candidates) {
                        if (i + c.length <= filled && Arrays.equals(window, i, i + c.length, c, 0, c.length)) {
                            return true;
                        }
                    }
                }
            }
            if (n < CHUNK) {
                return false;
            }
            carried = Math.min(keep, filled);
            System.arraycopy(window, filled - carried, window, 0, carried);
        }
    }

    private static long prefix(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < MIN_FORM; i++) {
            v = v << 8 | (b[at + i] & 0xff);
        }
        return v;
    }

    public boolean reveals(String text) {
        if (text == null) {
            return false;
        }
        for (String f : forms) {
            if (text.contains(f)) {
                return true;
            }
        }
        return false;
    }
}
