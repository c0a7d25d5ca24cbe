package io.cattlepi.ci.demo;

import io.cattlepi.ci.controller.cli.CattlePiCiCommand;
import picocli.CommandLine;

/**
 * Entry point of {@code ./cattlepi-ci}: the controller's commands plus the ones that need the
 * simulator and the embedded test servers (demo, simulate), which stay out of the controller jar.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = CattlePiCiCommand.commandLine();
        cli.addSubcommand(new DemoCommand());
        cli.addSubcommand(new SimulateCommand());
        cli.addSubcommand(new io.cattlepi.ci.demo.bench.BenchCommand());
        // bench --parts intake,dispatch names parts that are also subcommands of bench.
        cli.setAllowSubcommandsAsOptionParameters(true);
        return cli;
    }
}
