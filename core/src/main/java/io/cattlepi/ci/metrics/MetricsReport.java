package io.cattlepi.ci.metrics;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.fleet.UndervoltStreaks;
import io.cattlepi.ci.fleet.VitalsBoard;
import io.cattlepi.ci.retention.Retention;
import io.cattlepi.ci.retention.RetentionCounters;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Throttled;
import io.cattlepi.ci.worker.Vitals;
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
    private final VitalsBoard vitals;
    private final RetentionCounters retention;

    public MetricsReport(Store store, EngineMetrics engine) {
        this(store, engine, () -> true);
    }

    /** @param queueReachable whether the last receive from SQS worked */
    public MetricsReport(Store store, EngineMetrics engine, java.util.function.BooleanSupplier queueReachable) {
        this(store, engine, queueReachable, new VitalsBoard(), new RetentionCounters());
    }

    /**
     * @param vitals    the Pis' latest health readings (per-Pi gauges)
     * @param retention what the retention chore removed
     */
    public MetricsReport(Store store, EngineMetrics engine, java.util.function.BooleanSupplier queueReachable,
                         VitalsBoard vitals, RetentionCounters retention) {
        this.store = store;
        this.engine = engine;
        this.queueReachable = queueReachable;
        this.vitals = vitals;
        this.retention = retention;
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
        // Builds retention removed still count: a counter never goes down.
        store.read(tx -> tx.keptStartingWith(Retention.PRUNED_RESULTS)).forEach((name, n) -> results.merge(
                name.substring(Retention.PRUNED_RESULTS.length()), Integer.parseInt(n), Integer::sum));
        header(out, "cattlepi_ci_builds_total", "counter", "Finished builds by result");
        results.forEach((r, n) -> out.append("cattlepi_ci_builds_total{result=\"").append(r).append("\"} ").append(n).append('\n'));
        header(out, "cattlepi_ci_queue_depth", "gauge", "Builds waiting for a Pi");
        out.append("cattlepi_ci_queue_depth ").append(queued).append('\n');
        header(out, "cattlepi_ci_builds_running", "gauge", "Builds holding a Pi");
        out.append("cattlepi_ci_builds_running ").append(running).append('\n');
        alerting(out);
        piHealth(out);
        retention(out);
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

    /**
     * Each Pi's health at its last reading: a Pi whose reading did not say (no vcgencmd, garbage)
     * has no sample, so an alert on it never fires on an unknown.
     */
    private void piHealth(StringBuilder out) {
        Map<String, Vitals> all = vitals.all();
        Map<String, Integer> streaks = store.read(UndervoltStreaks::all);
        header(out, "cattlepi_ci_pi_temperature_celsius", "gauge", "SoC temperature at the Pi's last reading");
        all.forEach((pi, v) -> {
            if (v.celsius() != null) {
                out.append("cattlepi_ci_pi_temperature_celsius{pi=\"").append(label(pi)).append("\"} ").append(v.celsius()).append('\n');
            }
        });
        flag(out, all, "cattlepi_ci_pi_undervolted", "1 when the Pi's firmware reports under-voltage now (vcgencmd get_throttled)",
                t -> (t.now() & Throttled.UNDER_VOLTAGE) != 0);
        flag(out, all, "cattlepi_ci_pi_throttled", "1 when the Pi is throttled or its ARM frequency capped now",
                t -> (t.now() & (Throttled.THROTTLED | Throttled.FREQUENCY_CAPPED | Throttled.SOFT_TEMP_LIMIT)) != 0);
        flag(out, all, "cattlepi_ci_pi_undervolted_since_boot", "1 when the Pi has had under-voltage since it booted",
                t -> (t.occurred() & Throttled.UNDER_VOLTAGE) != 0);
        flag(out, all, "cattlepi_ci_pi_throttled_since_boot", "1 when the Pi has been throttled or capped since it booted",
                t -> (t.occurred() & (Throttled.THROTTLED | Throttled.FREQUENCY_CAPPED | Throttled.SOFT_TEMP_LIMIT)) != 0);
        header(out, "cattlepi_ci_pi_undervolted_builds", "gauge", "Builds in a row during which the Pi reported under-voltage");
        for (Worker w : store.read(tx -> tx.workers())) {
            out.append("cattlepi_ci_pi_undervolted_builds{pi=\"").append(label(w.id())).append("\"} ")
                    .append(streaks.getOrDefault(w.id(), 0)).append('\n');
        }
    }

    private static void flag(StringBuilder out, Map<String, Vitals> all, String name, String help,
                             java.util.function.Predicate<Throttled> set) {
        header(out, name, "gauge", help);
        all.forEach((pi, v) -> {
            if (v.throttled() != null) {
                out.append(name).append("{pi=\"").append(label(pi)).append("\"} ").append(set.test(v.throttled()) ? 1 : 0)
                        .append('\n');
            }
        });
    }

    /** A label value as the text format wants it: backslash, quote and newline escaped. */
    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private void retention(StringBuilder out) {
        counter(out, "cattlepi_ci_retention_s3_folders_deleted_total", "Finished builds' S3 folders deleted by retention",
                retention.foldersDeleted());
        counter(out, "cattlepi_ci_retention_s3_objects_deleted_total", "Objects in those folders", retention.objectsDeleted());
        counter(out, "cattlepi_ci_retention_builds_pruned_total", "Finished builds removed from the store by retention",
                retention.buildsPruned());
        counter(out, "cattlepi_ci_retention_events_pruned_total", "Audit events removed by retention (with their builds, or by age and count)",
                retention.eventsPruned());
        counter(out, "cattlepi_ci_retention_failures_total", "Retention steps that failed (S3 or store); retried at the next run",
                retention.failures());
        header(out, "cattlepi_ci_retention_last_run_timestamp_seconds", "gauge", "When retention last ran (0: not yet)");
        out.append("cattlepi_ci_retention_last_run_timestamp_seconds ")
                .append(retention.lastRun() == null ? 0 : retention.lastRun().getEpochSecond()).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private record AlertFigures(java.time.Instant oldestQueued, int unsettled, int draining, java.time.Instant lastSuccess) {
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
