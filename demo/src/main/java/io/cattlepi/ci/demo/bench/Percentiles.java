package io.cattlepi.ci.demo.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Nearest-rank percentiles of measured durations, printed in milliseconds. */
final class Percentiles {
    private final List<Double> millis = new ArrayList<>();

    synchronized void add(double ms) {
        millis.add(ms);
    }

    synchronized double at(double p) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    synchronized List<Double> values() {
        return List.copyOf(millis);
    }

    /** NaN when nothing was measured. */
    synchronized double median() {
        return millis.isEmpty() ? Double.NaN : at(50);
    }

    synchronized double p(double p) {
        return millis.isEmpty() ? Double.NaN : at(p);
    }

    synchronized int count() {
        return millis.size();
    }

    String summary(String what) {
        if (count() == 0) {
            return what + ": n=0";
        }
        return String.format(Locale.ROOT, "%s: n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms", what, count(),
                at(50), at(90), at(99), at(100));
    }
}
