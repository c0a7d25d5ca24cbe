package io.jenkins.plugins.cattlepi.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Executor;
import hudson.model.ExecutorListener;
import hudson.model.Queue;
import hudson.slaves.AbstractCloudComputer;
import hudson.slaves.AbstractCloudSlave;
import hudson.slaves.RetentionStrategy;
import hudson.slaves.SlaveComputer;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Accepts one task, then terminates the node, which hands the Pi back for reset. A node that
 * never got its task is terminated after {@code idleMinutes}, so an unused Pi goes back too.
 */
public class OneShotRetention extends RetentionStrategy<AbstractCloudComputer<?>> implements ExecutorListener {
    private static final Logger LOG = Logger.getLogger(OneShotRetention.class.getName());

    private final int idleMinutes;
    private transient volatile boolean used;
    private transient volatile boolean terminating;

    @DataBoundConstructor
    public OneShotRetention(int idleMinutes) {
        this.idleMinutes = Math.max(1, idleMinutes);
    }

    public int getIdleMinutes() {
        return idleMinutes;
    }

    @Override
    public long check(@NonNull AbstractCloudComputer<?> c) {
        long idleFor = System.currentTimeMillis() - c.getIdleStartMilliseconds();
        boolean neverUsed = c.isIdle() && !used && idleFor > TimeUnit.MINUTES.toMillis(idleMinutes);
        boolean deadOffline = c.isOffline() && !c.isConnecting() && idleFor > TimeUnit.MINUTES.toMillis(idleMinutes);
        if (neverUsed || deadOffline) {
            terminate(c, neverUsed ? "idle for " + idleMinutes + " min" : "offline for " + idleMinutes + " min");
        }
        return 1;
    }

    @Override
    public void start(@NonNull AbstractCloudComputer<?> c) {
        c.connect(false);
    }

    @Override
    public boolean isAcceptingTasks(AbstractCloudComputer<?> c) {
        return !used;
    }

    @Override
    public void taskAccepted(Executor executor, Queue.Task task) {
        used = true;
        if (executor.getOwner() instanceof SlaveComputer c) {
            c.setAcceptingTasks(false);
        }
    }

    @Override
    public void taskCompleted(Executor executor, Queue.Task task, long durationMS) {
        terminate((AbstractCloudComputer<?>) executor.getOwner(), "its one task ended");
    }

    @Override
    public void taskCompletedWithProblems(Executor executor, Queue.Task task, long durationMS, Throwable problems) {
        terminate((AbstractCloudComputer<?>) executor.getOwner(), "its one task ended with problems");
    }

    /** Off the executor thread: termination removes the node the executor belongs to. */
    private void terminate(AbstractCloudComputer<?> c, String why) {
        if (terminating) {
            return;
        }
        terminating = true;
        c.setAcceptingTasks(false);
        hudson.model.Computer.threadPoolForRemoting.submit(() -> {
            AbstractCloudSlave node = c.getNode();
            if (node == null) {
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
            return "One build, then reset the Pi";
        }
    }
}
