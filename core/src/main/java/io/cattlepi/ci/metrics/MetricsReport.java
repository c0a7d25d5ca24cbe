package io.cattlepi.ci.metrics;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Renders {@code /metrics} in the Prometheus text format from the store and the engine's timings. */
public final class MetricsReport {
    private final Store store;
    private final EngineMetrics engine;
    private final java.util.function.BooleanSupplier queueReachable;

    public MetricsReport(Store store, EngineMetrics engine) {
        this(store, engine, () -> true);
    }

    /** @param queueReachable whether the last receive from SQS worked */
    public MetricsReport(Store store, EngineMetrics engine, java.util.function.BooleanSupplier queueReachable) {
        this.store = store;
        this.engine = engine;
        this.queueReachable = queueReachable;
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        List<Worker> workers = store.read(tx -> tx.workers());
        Map<WorkerState, Integer> byState = new EnumMap<>(WorkerState.class);
        for (WorkerState s : WorkerState.values()) {
            byState.put(s, 0);
        }
        long resets = 0;
        long failedResets = 0;
        for (Worker w : workers) {
            byState.merge(w.state(), 1, Integer::sum);
            resets += w.health().resets();
            failedResets += w.health().failedResets();
        }
        header(out, "cattlepi_ci_workers", "gauge", "Pis by lifecycle state");
        byState.forEach((s, n) -> out.append("cattlepi_ci_workers{state=\"").append(s.wireName()).append("\"} ").append(n).append('\n'));
        header(out, "cattlepi_ci_worker_resets_total", "counter", "Resets started, all Pis");
        out.append("cattlepi_ci_worker_resets_total ").append(resets).append('\n');
        header(out, "cattlepi_ci_worker_failed_resets_total", "counter", "Resets that failed, all Pis");
        out.append("cattlepi_ci_worker_failed_resets_total ").append(failedResets).append('\n');

        Map<String, Integer> results = new TreeMap<>(Map.of("success", 0, "failure", 0, "error", 0));
        int queued = store.read(tx -> tx.buildsIn(BuildState.QUEUED).size());
        int running = store.read(tx -> tx.buildsIn(BuildState.SCHEDULED, BuildState.RUNNING).size());
        for (Build b : store.read(tx -> tx.buildsIn(BuildState.DONE, BuildState.FINISHING))) {
            if (b.result() != null) {
                results.merge(b.result().wireName(), 1, Integer::sum);
            }
        }
        header(out, "cattlepi_ci_builds_total", "counter", "Finished builds by result");
        results.forEach((r, n) -> out.append("cattlepi_ci_builds_total{result=\"").append(r).append("\"} ").append(n).append('\n'));
        header(out, "cattlepi_ci_queue_depth", "gauge", "Builds waiting for a Pi");
        out.append("cattlepi_ci_queue_depth ").append(queued).append('\n');
        header(out, "cattlepi_ci_builds_running", "gauge", "Builds holding a Pi");
        out.append("cattlepi_ci_builds_running ").append(running).append('\n');
        alerting(out);
        engine.dispatchLatency().render("cattlepi_ci_dispatch_latency_seconds",
                "From a build being stored to its work starting on a leased Pi", out);
        engine.buildDuration().render("cattlepi_ci_build_duration_seconds", "Build run time", out);
        return out.toString();
    }

    /** What the example alert rules in docs/operations.md watch. */
    private void alerting(StringBuilder out) {
        java.time.Instant now = store.clock().instant();
        AlertFigures f = store.read(tx -> new AlertFigures(
                tx.buildsIn(BuildState.QUEUED).stream().map(Build::createdAt).min(java.util.Comparator.naturalOrder()).orElse(null),
                (int) tx.buildsIn(BuildState.FINISHING).stream()
                        .filter(b -> b.result() != null && !b.result().wireName().equals(b.postedStatus())).count(),
                io.cattlepi.ci.fleet.DrainMarks.all(tx).size(),
                tx.lastFinished(io.cattlepi.ci.build.BuildResult.SUCCESS)));
        header(out, "cattlepi_ci_workers_draining", "gauge", "Pis that go to maintenance when their build ends");
        out.append("cattlepi_ci_workers_draining ").append(f.draining()).append('\n');
        header(out, "cattlepi_ci_oldest_queued_build_age_seconds", "gauge", "How long the oldest build waiting for a Pi has waited (0: none)");
        out.append("cattlepi_ci_oldest_queued_build_age_seconds ")
                .append(f.oldestQueued() == null ? 0 : java.time.Duration.between(f.oldestQueued(), now).toSeconds()).append('\n');
        header(out, "cattlepi_ci_statuses_unsettled", "gauge", "Finished builds whose final GitHub status is not posted yet");
        out.append("cattlepi_ci_statuses_unsettled ").append(f.unsettled()).append('\n');
        header(out, "cattlepi_ci_last_success_timestamp_seconds", "gauge", "When the last successful build ended (0: never)");
        out.append("cattlepi_ci_last_success_timestamp_seconds ")
                .append(f.lastSuccess() == null ? 0 : f.lastSuccess().getEpochSecond()).append('\n');
        header(out, "cattlepi_ci_seconds_since_last_success", "gauge", "Time since the last successful build ended (-1: never)");
        out.append("cattlepi_ci_seconds_since_last_success ")
                .append(f.lastSuccess() == null ? -1 : java.time.Duration.between(f.lastSuccess(), now).toSeconds()).append('\n');
        header(out, "cattlepi_ci_queue_reachable", "gauge", "1 when the last receive from SQS worked, else 0");
        out.append("cattlepi_ci_queue_reachable ").append(queueReachable.getAsBoolean() ? 1 : 0).append('\n');
    }

    private record AlertFigures(java.time.Instant oldestQueued, int unsettled, int draining, java.time.Instant lastSuccess) {
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
