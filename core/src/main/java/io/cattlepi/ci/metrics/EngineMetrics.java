package io.cattlepi.ci.metrics;

/**
 * Timings only the running engine knows (counts by state come from the store): how long a
 * request waited from its SQS message being visible to its first step, and how long builds ran.
 */
public final class EngineMetrics {
    private static final double[] DISPATCH = {0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900};
    private static final double[] DURATION = {10, 30, 60, 120, 300, 600, 1200, 1800, 2700, 3600, 10800};

    private final Histogram dispatchLatency = new Histogram(DISPATCH);
    private final Histogram buildDuration = new Histogram(DURATION);

    public Histogram dispatchLatency() {
        return dispatchLatency;
    }

    public Histogram buildDuration() {
        return buildDuration;
    }
}
