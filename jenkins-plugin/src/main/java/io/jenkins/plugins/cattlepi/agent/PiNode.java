package io.jenkins.plugins.cattlepi.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.TaskListener;
import hudson.slaves.AbstractCloudComputer;
import hudson.slaves.AbstractCloudSlave;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.EnvironmentVariablesNodeProperty;
import hudson.slaves.EphemeralNode;
import io.cattlepi.ci.worker.Worker;
import io.jenkins.plugins.cattlepi.cloud.PiCloud;
import io.jenkins.plugins.cattlepi.cloud.RackRuntimes;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import jenkins.model.Jenkins;

/**
 * One leased Pi as a one-shot Jenkins node. Its builds see the Pi as {@code BUILDER_NODE},
 * {@code BUILDER_PORT} and {@code BUILDER_USER}. Terminating it hands the Pi back to core, which
 * resets it to stock before it can be leased again.
 */
public class PiNode extends AbstractCloudSlave implements EphemeralNode {
    private static final long serialVersionUID = 1L;

    private final String cloudName;
    private final String piId;

    public PiNode(String name, PiCloud cloud, Worker pi, ComputerLauncher launcher, String remoteFS, String labels)
            throws Descriptor.FormException, IOException {
        super(name, remoteFS, launcher);
        this.cloudName = cloud.name;
        this.piId = pi.id();
        setNumExecutors(1);
        setMode(Mode.EXCLUSIVE);
        setLabelString(labels);
        setNodeDescription("Raspberry Pi " + pi.id() + " at " + pi.host() + ":" + pi.port()
                + ", reset to stock after one build");
        setRetentionStrategy(new OneShotRetention(cloud.getIdleMinutes()));
        setNodeProperties(List.of(new EnvironmentVariablesNodeProperty(
                new EnvironmentVariablesNodeProperty.Entry("BUILDER_NODE", pi.host()),
                new EnvironmentVariablesNodeProperty.Entry("BUILDER_PORT", Integer.toString(pi.port())),
                new EnvironmentVariablesNodeProperty.Entry("BUILDER_USER", cloud.sshUser()))));
    }

    /** The lease holder name of a node. */
    public static String holder(String nodeName) {
        return RackRuntimes.HOLDERS + "node:" + nodeName;
    }

    public String holder() {
        return holder(getNodeName());
    }

    public String getCloudName() {
        return cloudName;
    }

    public String getPiId() {
        return piId;
    }

    /** The cloud that made this node, unless it was removed since. */
    public Optional<PiCloud> cloud() {
        return Jenkins.get().clouds.getAll(PiCloud.class).stream().filter(c -> c.name.equals(cloudName)).findFirst();
    }

    @Override
    public AbstractCloudComputer<PiNode> createComputer() {
        return new PiComputer(this);
    }

    /** Ends the agent and its cell (the Pis' key's agent, whatever the build left running, its folder), then hands the Pi back. */
    @Override
    protected void _terminate(TaskListener listener) {
        AgentCells.close(getNodeName());
        // Not starting a rack here: if the cloud is gone, the reaper of its next start releases the lease.
        RackRuntimes.running(cloudName).ifPresent(rack ->
                rack.leases().release(holder(), false, "node " + getNodeName() + " terminated"));
        listener.getLogger().println("Pi " + piId + " handed back for reset to stock");
    }

    @Override
    public PiNode asNode() {
        return this;
    }

    @Extension
    public static final class DescriptorImpl extends SlaveDescriptor {
        @NonNull
        @Override
        public String getDisplayName() {
            return "CattlePi one-shot Pi";
        }

        @Override
        public boolean isInstantiable() {
            return false;
        }
    }
}
