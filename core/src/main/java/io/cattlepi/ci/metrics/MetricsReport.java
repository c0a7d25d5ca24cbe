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

    public MetricsReport(Store store, EngineMetrics engine) {
        this.store = store;
        this.engine = engine;
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
        engine.dispatchLatency().render("cattlepi_ci_dispatch_latency_seconds",
                "From a build being stored to its work starting on a leased Pi", out);
        engine.buildDuration().render("cattlepi_ci_build_duration_seconds", "Build run time", out);
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
