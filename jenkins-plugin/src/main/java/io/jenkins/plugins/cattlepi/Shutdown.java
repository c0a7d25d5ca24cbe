package io.jenkins.plugins.cattlepi;

import hudson.init.Terminator;

/** Stops the SQS polls and the racks when Jenkins stops, so their stores close cleanly. */
public final class Shutdown {
    private Shutdown() {
    }

    @Terminator
    public static void stop() {
        QueueDesks.get().closeAll();
        RackRuntimes.stopAll();
    }
}
