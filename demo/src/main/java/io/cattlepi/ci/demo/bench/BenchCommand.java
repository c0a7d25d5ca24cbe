package io.cattlepi.ci.demo.bench;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: every measurement docs/performance.md quotes, in one run, beside a model of the
 * seed's bash loop on the same job streams; {@code bench intake|dispatch} run one part alone.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks: dispatch and turnaround, makespan on 3 and 500 Pis, the seed's loop as baseline,",
                "two racks on one queue, the controller's footprint, intake latency. Prints a table; --json writes the figures."},
        subcommands = {IntakeBenchmark.class, DispatchBenchmark.class})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Smaller runs of every part (under 5 minutes on 2 cores).")
    boolean quick;

    @Option(names = "--tiny", hidden = true, description = "Seconds-long runs that only prove every part still reports (CI).")
    boolean tiny;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as one flat JSON object.")
    Path json;

    @Option(names = "--parts", split = ",", paramLabel = "PART",
            description = "Only these parts: ${COMPLETION-CANDIDATES} (default: all).")
    Set<BenchRun.Part> parts = Set.of(BenchRun.Part.values());

    @Option(names = "--seed-aws-cli-s", defaultValue = "0.5", paramLabel = "SECONDS",
            description = "One AWS CLI call in the seed's model (default ${DEFAULT-VALUE}: measured here, aws-cli 1.x against"
                    + " the local queue; a Pi 3B+ takes several times longer).")
    double awsCli;

    @Option(names = "--controller-env", hidden = true, paramLabel = "NAME=VALUE",
            description = "Footprint experiments: override the unit's environment for the controller process"
                    + " (with -XX:NativeMemoryTracking=summary its native memory and threads are saved beside its log).")
    java.util.Map<String, String> controllerEnv = java.util.Map.of();

    @Override
    public Integer call() throws Exception {
        BenchScale scale = tiny ? BenchScale.tiny() : quick ? BenchScale.quick() : BenchScale.full();
        Figures figures;
        try {
            figures = new BenchRun(scale, awsCli, parts, controllerEnv, System.err).run();
        } catch (BenchFailure e) {
            System.err.println("bench: " + e.getMessage());
            return 1;
        }
        figures.printTable(System.out);
        if (json != null) {
            figures.writeJson(json);
            System.out.println("figures written to " + json);
        }
        return 0;
    }
}
