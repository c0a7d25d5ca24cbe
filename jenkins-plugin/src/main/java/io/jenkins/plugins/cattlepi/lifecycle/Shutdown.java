package io.jenkins.plugins.cattlepi.lifecycle;

import hudson.init.Terminator;
import io.jenkins.plugins.cattlepi.cloud.RackRuntimes;
import io.jenkins.plugins.cattlepi.trigger.QueueDesks;

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
