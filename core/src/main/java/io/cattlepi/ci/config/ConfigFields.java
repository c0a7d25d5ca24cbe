package io.cattlepi.ci.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import io.cattlepi.ci.untrusted.Printable;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Typed reads from one JSON object, recording a problem (with its JSON path) instead of failing fast. */
final class ConfigFields {
    private static final int LABEL_MAX = 100;
    private final JsonNode node;
    private final String path;
    private final List<ConfigProblem> problems;

    ConfigFields(JsonNode node, String path, List<ConfigProblem> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    List<ConfigProblem> problems() {
        return problems;
    }

    String at(String name) {
        return path + "." + name;
    }

    void problem(String where, String message) {
        problems.add(new ConfigProblem(where, message));
    }

    JsonNode raw(String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    String text(String name, boolean required, String fallback) {
        JsonNode v = raw(name);
        if (v == null || (v.isTextual() && v.asText().isBlank())) {
            if (required) {
                problem(at(name), "missing");
            }
            return fallback;
        }
        if (!v.isTextual()) {
            problem(at(name), "expected a string, got " + kind(v));
            return fallback;
        }
        return v.asText().trim();
    }

    Secret secret(String name, boolean required) {
        String v = text(name, required, null);
        return v == null ? null : new Secret(v);
    }

    URI url(String name, boolean required, String fallback) {
        String v = text(name, required, fallback);
        if (v == null) {
            return null;
        }
        try {
            URI u = new URI(v);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                problem(at(name), "not an http(s) URL: " + shown(v));
                return null;
            }
            return u;
        } catch (URISyntaxException e) {
            problem(at(name), "not a URL: " + shown(v));
            return null;
        }
    }

    byte[] base64(String name) {
        String v = text(name, true, null);
        if (v == null) {
            return null;
        }
        try {
            return Base64.getMimeDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            problem(at(name), "not base64");
            return null;
        }
    }

    int positiveInt(String name, int fallback) {
        JsonNode v = raw(name);
        if (v == null) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
            problem(at(name), "expected a positive integer, got " + Printable.clipped(v.toString(), 60));
            return fallback;
        }
        return v.asInt();
    }

    /** A count or a number of days where 0 means {@code zeroMeans} ("off", "keep forever"). */
    int zeroOrPositiveInt(String name, int fallback, String zeroMeans) {
        JsonNode v = raw(name);
        if (v == null) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            problem(at(name), "expected 0 (" + zeroMeans + ") or a positive integer, got "
                    + Printable.clipped(v.toString(), 60));
            return fallback;
        }
        return v.asInt();
    }

    Duration seconds(String name, int fallbackSeconds) {
        return Duration.ofSeconds(positiveInt(name, fallbackSeconds));
    }

    boolean bool(String name, boolean fallback) {
        JsonNode v = raw(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            problem(at(name), "expected true or false, got " + Printable.clipped(v.toString(), 60));
            return fallback;
        }
        return v.asBoolean();
    }

    List<String> strings(String name, List<String> fallback) {
        JsonNode v = raw(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isArray()) {
            problem(at(name), "expected a list of strings, got " + kind(v));
            return fallback;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).asText().isBlank()) {
                problem(at(name) + "[" + i + "]", "expected a non-empty string, got " + Printable.clipped(v.get(i).toString(), 60));
            } else {
                out.add(v.get(i).asText().trim());
            }
        }
        return List.copyOf(out);
    }

    /** A file or folder path; a value no file system takes (a NUL in it) is a problem, not an exception. */
    Path path(String name, Path fallback) {
        String v = text(name, false, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            problem(at(name), "not a usable path (" + Printable.clipped(e.getReason(), 80) + "): " + shown(v));
            return fallback;
        }
    }

    /** A short single-line text shown to people (a GitHub status context, a label). */
    String label(String name, String fallback) {
        String v = text(name, false, fallback);
        if (v.length() > LABEL_MAX || v.codePoints().anyMatch(Printable::isNeutralised)) {
            problem(at(name), "expected at most " + LABEL_MAX + " characters without control characters, got " + shown(v));
            return fallback;
        }
        return v;
    }

    /** A value from the file in a message: quoted, escaped, cut short. */
    static String shown(String value) {
        return "\"" + Printable.clipped(value, 120) + "\"";
    }

    static String kind(JsonNode v) {
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isNumber()) {
            return "a number";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isArray()) {
            return "a list";
        }
        return v.isObject() ? "an object" : "null";
    }
}
