package io.jenkins.plugins.cattlepi.reaper;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.cattlepi.ci.build.run.FileTrees;
import io.cattlepi.ci.rack.Rack;
import io.cattlepi.ci.worker.Worker;
import io.jenkins.plugins.cattlepi.agent.AgentCells;
import io.jenkins.plugins.cattlepi.agent.PiNode;
import io.jenkins.plugins.cattlepi.cloud.PiCloud;
import io.jenkins.plugins.cattlepi.cloud.RackRuntimes;
import io.jenkins.plugins.cattlepi.steps.WithCattlePiStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jenkins.model.Jenkins;

/**
 * Once a minute, reconciles each Pi cloud's leases with the holders Jenkins has, in both
 * directions, so that after a restart or a crash nothing stays leased and no node stays offline
 * forever; and deletes the cells of nodes Jenkins dropped. It starts racks and writes their stores, so it is asynchronous work on its own thread
 * (PeriodicWork runs on the shared Timer and is meant for short tasks).
 */
@Extension
public class OrphanReaper extends AsyncPeriodicWork {
    private static final Logger LOG = Logger.getLogger(OrphanReaper.class.getName());
    /** A provisioned node joins Jenkins within seconds; a lease younger than this is never reaped. Tests shorten it. */
    static Duration provisioningGrace = Duration.ofMinutes(2);

    public OrphanReaper() {
        super("CattlePi orphan reaper");
    }

    @Override
    public long getRecurrencePeriod() {
        return MIN;
    }

    @Override
    protected void execute(TaskListener listener) {
        for (PiCloud cloud : Jenkins.get().clouds.getAll(PiCloud.class)) {
            try {
                reap(cloud, RackRuntimes.of(cloud));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Pi cloud " + cloud.name + ": " + e.getMessage());
            }
            sweepCells(cloud);
        }
    }

    /**
     * Direction 3: the cell folders (workspaces included) of Pi nodes Jenkins no longer has. A node
     * deletes its own when it terminates, but Jenkins drops ephemeral nodes at a restart without
     * terminating them. Only folders named as the cloud names its nodes; nothing else there is touched.
     */
    private static void sweepCells(PiCloud cloud) {
        Pattern ours = Pattern.compile(Pattern.quote(cloud.name) + "-[0-9a-f]{8}");
        try (Stream<Path> cells = Files.list(cloud.agentsFolder())) {
            for (Path cell : cells.toList()) {
                String node = cell.getFileName().toString();
                if (ours.matcher(node).matches() && Jenkins.get().getNode(node) == null) {
                    LOG.info("Pi cloud " + cloud.name + ": deleting the cell of " + node + ", a node Jenkins no longer has");
                    AgentCells.close(node);
                    FileTrees.delete(cell);
                }
            }
        } catch (NoSuchFileException e) {
            // no agent has run yet
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Pi cloud " + cloud.name + ": cannot sweep its agents' folder: " + e.getMessage());
        }
    }

    private static void reap(PiCloud cloud, Rack rack) {
        Set<String> alive = new HashSet<>();
        for (Node n : Jenkins.get().getNodes()) {
            if (n instanceof PiNode pi && pi.getCloudName().equals(cloud.name)) {
                alive.add(pi.holder());
            }
        }
        for (Worker w : rack.workers()) {
            String holder = w.buildId();
            if (w.state().isLeased() && holder != null && WithCattlePiStep.isStepHolder(holder) && stepRunning(holder)) {
                alive.add(holder);
            }
        }

        // Direction 1: leases without a holder (a node Jenkins dropped at restart, a step whose run
        // ended) go back for reset. Grace period: the cloud leases a Pi before Jenkins adds its node,
        // which happens seconds later, so a lease younger than that may have a holder not seen yet.
        List<Worker> reaped = rack.leases().reap(RackRuntimes.HOLDERS, alive, provisioningGrace,
                "no Jenkins node or running step holds it");
        for (Worker w : reaped) {
            LOG.info("Pi cloud " + cloud.name + ": " + w.id() + " was orphaned; it is reset to stock");
        }

        // Direction 2: Pi nodes without a lease (the lease was reaped or the store replaced) are
        // removed. No grace is needed, a node is made after its lease; but only idle ones, because
        // a build on such a node still has the Pi in front of it and ends on its own.
        for (Node n : Jenkins.get().getNodes()) {
            if (n instanceof PiNode pi && pi.getCloudName().equals(cloud.name) && rack.leases().heldBy(pi.holder()).isEmpty()
                    && (pi.toComputer() == null || pi.toComputer().isIdle())) {
                terminate(pi);
            }
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
