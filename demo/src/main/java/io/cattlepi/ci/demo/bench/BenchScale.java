package io.cattlepi.ci.demo.bench;

import java.time.Duration;

/**
 * How big each part of the benchmark runs. {@code full} is what docs/performance.md quotes
 * (under 30 minutes on 2 cores), {@code quick} the same parts smaller (under 5), {@code tiny}
 * only proves in CI that every part still runs and reports.
 *
 * @param dispatchBuilds   closed-loop builds with a no-op step on the 3-Pi simulated rack
 * @param makespanJobs     jobs of {@code makespanLength} queued at once on 3 Pis
 * @param scaleJobs        jobs queued at once on {@code scalePis} in-memory Pis
 * @param scaleReset       an in-memory Pi's reset time
 * @param rackBuilds       builds shared by two controllers of 3 Pis each on one queue
 * @param footprintBuilds  builds run by the controller-only process before its memory is read
 * @param startups         times the controller-only process is started to measure start-up
 * @param deliveries       webhook deliveries timed to storage (after {@code deliveries / 10} not counted)
 */
record BenchScale(String name, int dispatchBuilds, int makespanJobs, Duration makespanLength, int scaleJobs,
                  int scalePis, Duration scaleLength, Duration scaleReset, int rackBuilds, int footprintBuilds,
                  int startups, int deliveries) {
    static final int RACK = 3;

    static BenchScale full() {
        return new BenchScale("full", 500, 60, Duration.ofSeconds(30), 5000, 500, Duration.ofSeconds(20),
                Duration.ofMillis(500), 200, 200, 5, 1000);
    }

    static BenchScale quick() {
        return new BenchScale("quick", 60, 12, Duration.ofSeconds(5), 1000, 500, Duration.ofSeconds(5),
                Duration.ofMillis(500), 30, 30, 3, 200);
    }

    static BenchScale tiny() {
        return new BenchScale("tiny", 3, 3, Duration.ofSeconds(1), 40, 20, Duration.ofMillis(500),
                Duration.ofMillis(200), 4, 3, 1, 10);
    }
}
