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
        CommandLine cli = CattlePiCiCommand.commandLine();
        System.exit(cli.execute(args));
    }
}
