package io.cattlepi.ci.controller.cli;

/**
 * Entry point of the controller-only classpath (this module's jar and {@code target/lib}): the
 * production commands without the demo, the simulator or the embedded test servers.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(CattlePiCiCommand.commandLine().execute(args));
    }
}
