package io.cattlepi.ci.metrics;

import java.util.Arrays;

/** A Prometheus-style histogram with fixed upper bounds (seconds), safe to update from any thread. */
public final class Histogram {
    private final double[] bounds;
    private final long[] counts;
    private double sum;
    private long count;

    public Histogram(double... bounds) {
        this.bounds = bounds.clone();
        Arrays.sort(this.bounds);
        this.counts = new long[bounds.length];
    }

    public synchronized void observe(double seconds) {
        for (int i = 0; i < bounds.length; i++) {
            if (seconds <= bounds[i]) {
                counts[i]++;
            }
        }
        sum += seconds;
        count++;
    }

    /** Appends this histogram in the Prometheus text format under {@code name}. */
    public synchronized void render(String name, String help, StringBuilder out) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" histogram\n");
        for (int i = 0; i < bounds.length; i++) {
            out.append(name).append("_bucket{le=\"").append(bounds[i]).append("\"} ").append(counts[i]).append('\n');
        }
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(count).append('\n');
        out.append(name).append("_sum ").append(sum).append('\n');
        out.append(name).append("_count ").append(count).append('\n');
    }

    public synchronized long count() {
        return count;
    }
}
