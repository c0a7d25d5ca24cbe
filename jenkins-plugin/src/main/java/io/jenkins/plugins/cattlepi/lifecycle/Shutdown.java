package io.jenkins.plugins.cattlepi.lifecycle;

import hudson.init.Terminator;
import io.jenkins.plugins.cattlepi.agent.AgentCells;
import io.jenkins.plugins.cattlepi.cloud.RackRuntimes;
import io.jenkins.plugins.cattlepi.trigger.QueueDesks;

/**
 * Stops the SQS polls and the racks when Jenkins stops, so their stores close cleanly, and closes the
 * Pi nodes' cells, so no ssh-agent holding the Pis' key outlives Jenkins (Pi nodes are ephemeral:
 * Jenkins drops them at a restart without terminating them).
 */
public final class Shutdown {
    private Shutdown() {
    }

    @Terminator
    public static void stop() {
        QueueDesks.get().closeAll();
        AgentCells.closeAll();
        RackRuntimes.stopAll();
    }
}
