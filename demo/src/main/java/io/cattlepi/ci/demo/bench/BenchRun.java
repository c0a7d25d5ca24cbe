package io.cattlepi.ci.demo.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** One benchmark run: each part in turn, its figures named as docs/performance.md and the JSON name them. */
final class BenchRun {
    /** The parts, in the order they run. */
    enum Part { dispatch, makespan, scale, seed, racks, footprint, intake }

    private final BenchScale scale;
    private final double awsCli;
    private final Set<Part> parts;
    private final java.util.Map<String, String> controllerEnv;
    private final PrintStream progress;
    private final Figures f = new Figures();
    private DispatchBenchmark.Result dispatch;
    private MakespanBenchmark.Result makespan;

    BenchRun(BenchScale scale, double awsCli, Set<Part> parts, java.util.Map<String, String> controllerEnv,
             PrintStream progress) {
        this.controllerEnv = controllerEnv;
        this.scale = scale;
        this.awsCli = awsCli;
        this.parts = parts;
        this.progress = progress;
    }

    Figures run() throws Exception {
        long started = System.nanoTime();
        f.put("scale", scale.name());
        for (Part part : Part.values()) {
            if (!parts.contains(part)) {
                continue;
            }
            // Other work on the machine moves absolute times: every part says how loaded it was.
            f.put("load_" + part, loadAverage());
            progress.printf("bench: %s (load %s)...%n", part, f.get("load_" + part));
            long t = System.nanoTime();
            java.util.Set<String> before = f.keys();
            switch (part) {
                case dispatch -> dispatch();
                case makespan -> makespan();
                case scale -> scale();
                case seed -> seed();
                case racks -> racks();
                case footprint -> footprint();
                case intake -> intake();
                default -> throw new IllegalStateException(part.name());
            }
            progress.printf("bench: %s took %.0f s%n", part, (System.nanoTime() - t) / 1e9);
            // Each part's figures as soon as it has them: a long run that fails later keeps them.
            for (String key : f.keys()) {
                if (!before.contains(key)) {
                    progress.printf("bench:   %s = %s%n", key, f.get(key));
                }
            }
        }
        f.put("bench_seconds", (System.nanoTime() - started) / 1e9);
        return f;
    }

    private void dispatch() throws Exception {
        dispatch = DispatchBenchmark.measure(scale.dispatchBuilds(), BenchScale.RACK);
        f.put("dispatch_builds", dispatch.dispatch().count());
        f.put("dispatch_p50_ms", dispatch.dispatch().median());
        f.put("dispatch_p99_ms", dispatch.dispatch().p(99));
        f.put("running_to_first_step_p50_ms", dispatch.running().median());
        f.put("turnaround_overhead_ms", dispatch.overhead().median());
        f.put("turnaround_overhead_p99_ms", dispatch.overhead().p(99));
        f.put("simulated_reset_ms", dispatch.resetMillis());
    }

    private void makespan() throws Exception {
        makespan = MakespanBenchmark.measure(scale.makespanJobs(), scale.makespanLength());
        f.put("makespan_jobs_3", makespan.jobs());
        f.put("makespan_job_length_s_3", makespan.length());
        f.put("makespan_s_3", makespan.makespan());
        f.put("makespan_ideal_s_3", makespan.ideal());
        f.put("makespan_ratio_3", makespan.ratio());
        f.put("makespan_overhead_s_per_build_3", makespan.overheadPerBuild());
        f.put("throughput_builds_per_min_3", makespan.buildsPerMinute());
    }

    private void scale() throws Exception {
        MakespanBenchmark.Result r = ScaleBenchmark.measure(scale.scaleJobs(), scale.scalePis(), scale.scaleLength(),
                scale.scaleReset());
        f.put("makespan_pis_500", r.pis());
        f.put("makespan_jobs_500", r.jobs());
        f.put("makespan_job_length_s_500", r.length());
        f.put("makespan_s_500", r.makespan());
        f.put("makespan_ideal_s_500", r.ideal());
        f.put("makespan_ratio_500", r.ratio());
        f.put("makespan_overhead_s_per_build_500", r.overheadPerBuild());
        f.put("throughput_builds_per_min_500", r.buildsPerMinute());
    }

    /** The seed's loop on the same streams, with the controller's own checkout cost where it has one. */
    private void seed() {
        double builderStart = dispatch == null ? 0.2 : dispatch.running().median() / 1000;
        double reset = dispatch == null ? 0.45 : dispatch.resetMillis() / 1000;
        SeedLoopModel.Costs costs = SeedLoopModel.Costs.seed(awsCli, builderStart);
        f.put("seed_aws_cli_s", awsCli);
        SeedLoopModel.Outcome closed = new SeedLoopModel(costs, BenchScale.RACK, 0, reset)
                .closedLoop(Math.max(1, scale.dispatchBuilds()));
        Percentiles d = new Percentiles();
        closed.dispatch().forEach(s -> d.add(s * 1000));
        Percentiles o = new Percentiles();
        closed.turnaroundOverhead().forEach(s -> o.add(s * 1000));
        f.put("seed_dispatch_p50_ms", d.median());
        f.put("seed_dispatch_p99_ms", d.p(99));
        f.put("seed_turnaround_overhead_ms", o.median());
        f.put("seed_turnaround_overhead_p99_ms", o.p(99));
        int jobs = makespan == null ? scale.makespanJobs() : makespan.jobs();
        double length = makespan == null ? scale.makespanLength().toMillis() / 1000.0 : makespan.length();
        SeedLoopModel.Outcome all = new SeedLoopModel(costs, BenchScale.RACK, length, reset).allAtOnce(jobs);
        MakespanBenchmark.Result r = new MakespanBenchmark.Result(jobs, BenchScale.RACK, length, reset, all.makespan());
        f.put("seed_makespan_s_3", r.makespan());
        f.put("seed_makespan_ideal_s_3", r.ideal());
        f.put("seed_makespan_ratio_3", r.ratio());
        f.put("seed_makespan_overhead_s_per_build_3", r.overheadPerBuild());
        f.put("seed_throughput_builds_per_min_3", r.buildsPerMinute());
    }

    private void racks() throws Exception {
        TwoRacksBenchmark.Result r = TwoRacksBenchmark.measure(scale.rackBuilds());
        f.put("two_racks_builds", r.builds());
        f.put("two_racks_duplicates", r.duplicates());
        f.put("two_racks_lost", r.lost());
        f.put("two_racks_built_by_a", r.builtByA());
        f.put("two_racks_built_by_b", r.builtByB());
    }

    private void footprint() throws Exception {
        FootprintBenchmark.Result r = FootprintBenchmark.measure(scale.footprintBuilds(), scale.startups(), controllerEnv, progress);
        f.put("footprint_builds", r.builds());
        f.put("rss_mb", r.residentMiB());
        f.put("threads", r.threads());
        f.put("start_ms", r.startMillis());
        f.put("start_ms_first", r.firstStartMillis());
        f.put("cpu_s_per_build", r.cpuPerBuild());
        f.put("cpu_s_per_build_jvm", r.jvmCpuPerBuild());
        f.put("cpu_s_per_build_children", r.childCpuPerBuild());
    }

    private void intake() throws Exception {
        Percentiles p = IntakeBenchmark.measure(scale.deliveries(), Math.max(1, scale.deliveries() / 10));
        f.put("intake_deliveries", p.count());
        f.put("intake_p50_ms", p.median());
        f.put("intake_p99_ms", p.p(99));
    }

    /** The 1-minute load average (other developers' test suites share these cores). */
    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
