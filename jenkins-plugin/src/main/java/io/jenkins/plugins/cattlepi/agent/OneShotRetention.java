package io.jenkins.plugins.cattlepi.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Descriptor;
import hudson.model.Executor;
import hudson.model.ExecutorListener;
import hudson.model.Queue;
import hudson.slaves.RetentionStrategy;
import hudson.slaves.SlaveComputer;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Pi node accepts one task, then it is terminated, which hands the Pi back for reset. A node
 * that never got its task is terminated after {@code idleMinutes}, so an unused Pi goes back too.
 *
 * <p>Only for Pi nodes: the cloud sets it, it has no form, and its descriptor is hidden elsewhere
 * ({@link PiNodesOnly}). Typed on {@link SlaveComputer}, not on cloud computers, because Jenkins
 * calls {@code check} with whatever computer the node has (ComputerRetentionWork, raw types): an
 * ordinary agent saved with it must neither fail nor be terminated.
 */
public class OneShotRetention extends RetentionStrategy<SlaveComputer> implements ExecutorListener {
    private static final Logger LOG = Logger.getLogger(OneShotRetention.class.getName());

    private final int idleMinutes;
    private transient volatile boolean used;
    private transient volatile boolean terminating;

    public OneShotRetention(int idleMinutes) {
        this.idleMinutes = Math.max(1, idleMinutes);
    }

    public int getIdleMinutes() {
        return idleMinutes;
    }

    @Override
    public long check(@NonNull SlaveComputer c) {
        if (!(c.getNode() instanceof PiNode)) {
            return 1; // not a Pi node: nothing of this strategy applies to it
        }
        long idleFor = System.currentTimeMillis() - c.getIdleStartMilliseconds();
        boolean neverUsed = c.isIdle() && !used && idleFor > TimeUnit.MINUTES.toMillis(idleMinutes);
        boolean deadOffline = c.isOffline() && !c.isConnecting() && idleFor > TimeUnit.MINUTES.toMillis(idleMinutes);
        if (neverUsed || deadOffline) {
            terminate(c, neverUsed ? "idle for " + idleMinutes + " min" : "offline for " + idleMinutes + " min");
        }
        return 1;
    }

    @Override
    public void start(@NonNull SlaveComputer c) {
        c.connect(false);
    }

    @Override
    public boolean isAcceptingTasks(SlaveComputer c) {
        return !used || !(c.getNode() instanceof PiNode);
    }

    @Override
    public void taskAccepted(Executor executor, Queue.Task task) {
        if (piComputer(executor) instanceof SlaveComputer c) {
            used = true;
            c.setAcceptingTasks(false);
        }
    }

    @Override
    public void taskCompleted(Executor executor, Queue.Task task, long durationMS) {
        if (piComputer(executor) instanceof SlaveComputer c) {
            terminate(c, "its one task ended");
        }
    }

    @Override
    public void taskCompletedWithProblems(Executor executor, Queue.Task task, long durationMS, Throwable problems) {
        if (piComputer(executor) instanceof SlaveComputer c) {
            terminate(c, "its one task ended with problems");
        }
    }

    private static Computer piComputer(Executor executor) {
        Computer c = executor.getOwner();
        return c instanceof SlaveComputer s && s.getNode() instanceof PiNode ? c : null;
    }

    /** Off the executor thread: termination removes the node the executor belongs to. */
    private void terminate(SlaveComputer c, String why) {
        if (terminating) {
            return;
        }
        terminating = true;
        c.setAcceptingTasks(false);
        Computer.threadPoolForRemoting.submit(() -> {
            if (!(c.getNode() instanceof PiNode node)) {
                return;
            }
            try {
                LOG.info("terminating " + node.getNodeName() + ": " + why);
                node.terminate();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.io.IOException | RuntimeException e) {
                terminating = false;
                LOG.log(Level.WARNING, "terminating " + node.getNodeName() + " failed; retried at the next check", e);
            }
        });
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<RetentionStrategy<?>> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "CattlePi: one build, then reset the Pi (Pi nodes only)";
        }
    }
}
