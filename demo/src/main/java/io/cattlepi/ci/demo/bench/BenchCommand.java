package io.cattlepi.ci.demo.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bench}: the measurements the closing notes quote, reproducible by anyone. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: intake latency and dispatch latency on local peers and the simulated rack.",
        subcommands = {IntakeBenchmark.class, DispatchBenchmark.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
