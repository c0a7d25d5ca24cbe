package io.cattlepi.ci.controller.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code cattlepi-ci} command; subcommands are added by the launcher's main class. */
@Command(name = "cattlepi-ci",
        mixinStandardHelpOptions = true,
        version = "cattlepi-ci 0.1.0",
        description = "CI controller for a rack of Raspberry Pis building CattlePi images.",
        subcommands = {CommandLine.HelpCommand.class})
public final class CattlePiCiCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Builds the command line with the controller's own subcommands. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new CattlePiCiCommand());
        cli.addSubcommand(new ConfigCommand());
        cli.addSubcommand(new RunCommand());
        cli.addSubcommand(new StoreCommands.Backup());
        cli.addSubcommand(new StoreCommands.Restore());
        cli.addSubcommand(new OperatorCommands.Status());
        cli.addSubcommand(new OperatorCommands.Workers());
        cli.addSubcommand(new OperatorCommands.Builds());
        cli.addSubcommand(new OperatorCommands.Drain());
        cli.addSubcommand(new OperatorCommands.Undrain());
        cli.addSubcommand(new OperatorCommands.Retire());
        cli.addSubcommand(new OperatorCommands.Retry());
        cli.addSubcommand(new OperatorCommands.Cancel());
        cli.addSubcommand(new OperatorCommands.PowerCycle());
        cli.addSubcommand(new OperatorCommands.WorkersConfig());
        return cli;
    }
}
