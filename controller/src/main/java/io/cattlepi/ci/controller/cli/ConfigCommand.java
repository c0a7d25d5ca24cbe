package io.cattlepi.ci.controller.cli;

import io.cattlepi.ci.config.BuildControlConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code config check --config FILE}: validates a build-control config without starting anything. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with the build-control config.",
        subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Exit 0 and a summary (secrets as ****) when valid; exit 2 and one line per problem when not. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a config file: exit 0 and a summary, or exit 2 and one line per problem.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "The seed's CattlePi device config (with config.buildcontrol) or just the buildcontrol object.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Optional<BuildControlConfig> config = ConfigFile.load(file, spec.commandLine().getErr());
            if (config.isEmpty()) {
                return 2;
            }
            out.println(file + ": OK");
            config.get().summary().forEach(line -> out.println("  " + line));
            out.flush();
            return 0;
        }
    }
}
