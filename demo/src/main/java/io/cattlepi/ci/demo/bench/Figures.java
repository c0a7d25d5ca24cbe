package io.cattlepi.ci.demo.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The benchmark's results: one flat, ordered map of named figures, written as JSON and as a table. */
final class Figures {
    private final Map<String, Object> values = new LinkedHashMap<>();

    Figures put(String key, Object value) {
        // JSON has no NaN: a figure that could not be measured is null.
        values.put(key, value instanceof Double d ? (Double.isFinite(d) ? (Object) round(d) : null) : value);
        return this;
    }

    Object get(String key) {
        return values.get(key);
    }

    double number(String key) {
        Object v = values.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    java.util.Set<String> keys() {
        return new java.util.LinkedHashSet<>(values.keySet());
    }

    void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(values) + "\n");
    }

    /** Ours beside the seed's where both exist, then every other figure. */
    void printTable(PrintStream out) {
        out.printf(Locale.ROOT, "%-34s %14s %14s %10s%n", "figure", "cattlepi-ci", "seed (model)", "seed/ours");
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("seed_")) {
                continue;
            }
            Object seed = values.get("seed_" + key);
            String ratio = "";
            if (seed instanceof Number s && e.getValue() instanceof Number o && o.doubleValue() != 0) {
                ratio = String.format(Locale.ROOT, "%.1fx", s.doubleValue() / o.doubleValue());
            }
            out.printf(Locale.ROOT, "%-34s %14s %14s %10s%n", key, text(e.getValue()), seed == null ? "" : text(seed), ratio);
        }
    }

    private static String text(Object v) {
        return v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(v);
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }
}
