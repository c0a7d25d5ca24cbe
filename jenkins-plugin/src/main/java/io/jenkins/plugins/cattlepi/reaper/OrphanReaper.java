package io.jenkins.plugins.cattlepi.reaper;

import hudson.Extension;
import hudson.model.Node;
import hudson.model.PeriodicWork;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.cattlepi.ci.fleet.Worker;
import io.cattlepi.ci.rack.Rack;
import io.jenkins.plugins.cattlepi.agent.PiNode;
import io.jenkins.plugins.cattlepi.cloud.PiCloud;
import io.jenkins.plugins.cattlepi.cloud.RackRuntimes;
import io.jenkins.plugins.cattlepi.steps.WithCattlePiStep;
import io.jenkins.plugins.cattlepi.trigger.QueueDesks;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Once a minute: gives back every Pi whose holder (a node, a {@code withCattlePi} block) is gone,
 * removes Pi nodes whose lease is gone, and checks handed-over SQS builds still have a queue item
 * or run. After a restart or a crash nothing stays leased and no node stays offline forever.
 */
@Extension
public class OrphanReaper extends PeriodicWork {
    private static final Logger LOG = Logger.getLogger(OrphanReaper.class.getName());
    /** A provisioned node joins Jenkins within seconds; a lease younger than this is never reaped. */
    private static final Duration PROVISIONING_GRACE = Duration.ofMinutes(2);

    @Override
    public long getRecurrencePeriod() {
        return MIN;
    }

    @Override
    protected void doRun() {
        // As the system: the queue and the runs must be seen whatever their permissions.
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            for (PiCloud cloud : Jenkins.get().clouds.getAll(PiCloud.class)) {
                try {
                    reap(cloud, RackRuntimes.of(cloud));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Pi cloud " + cloud.name + ": " + e.getMessage());
                }
            }
            QueueDesks.get().reconcile();
        }
    }

    private static void reap(PiCloud cloud, Rack rack) {
        Set<String> alive = new HashSet<>();
        for (Node n : Jenkins.get().getNodes()) {
            if (n instanceof PiNode pi && pi.getCloudName().equals(cloud.name)) {
                if (rack.leases().heldBy(pi.holder()).isEmpty() && (pi.toComputer() == null || pi.toComputer().isIdle())) {
                    terminate(pi);
                } else {
                    alive.add(pi.holder());
                }
            }
        }
        for (Worker w : rack.workers()) {
            String holder = w.buildId();
            if (w.state().isLeased() && holder != null && WithCattlePiStep.isStepHolder(holder)
                    && stepRunning(holder)) {
                alive.add(holder);
            }
        }
        List<Worker> reaped = rack.leases().reap(RackRuntimes.HOLDERS, alive, PROVISIONING_GRACE,
                "no Jenkins node or running step holds it");
        for (Worker w : reaped) {
            LOG.info("Pi cloud " + cloud.name + ": " + w.id() + " was orphaned; it is reset to stock");
        }
    }

    private static boolean stepRunning(String holder) {
        Run<?, ?> run = Run.fromExternalizableId(WithCattlePiStep.runOf(holder));
        return run != null && run.isBuilding();
    }

    private static void terminate(PiNode node) {
        try {
            LOG.info("removing node " + node.getNodeName() + ": its Pi lease is gone");
            node.terminate();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "removing node " + node.getNodeName() + " failed", e);
        }
    }
}
