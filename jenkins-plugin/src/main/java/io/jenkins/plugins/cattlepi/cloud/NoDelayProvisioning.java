package io.jenkins.plugins.cattlepi.cloud;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Label;
import hudson.model.LoadStatistics;
import hudson.slaves.Cloud;
import hudson.slaves.CloudProvisioningListener;
import hudson.slaves.NodeProvisioner;
import java.util.Collection;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Provisions Pi nodes as soon as builds wait for their label, instead of after the default
 * strategy's load averaging: a ready Pi is there to be used, and leasing it costs nothing. Apart
 * from the averaging it does what core's strategy does for each cloud
 * (hudson.slaves.NodeProvisioner.StandardStrategyImpl#apply): a {@link CloudProvisioningListener}
 * may veto provisioning, and a failing listener's {@code onStarted} does not stop the others.
 */
@Extension(ordinal = 100)
public class NoDelayProvisioning extends NodeProvisioner.Strategy {
    private static final Logger LOG = Logger.getLogger(NoDelayProvisioning.class.getName());

    @NonNull
    @Override
    public NodeProvisioner.StrategyDecision apply(@NonNull NodeProvisioner.StrategyState state) {
        Label label = state.getLabel();
        LoadStatistics.LoadStatisticsSnapshot snapshot = state.getSnapshot();
        int available = snapshot.getAvailableExecutors() + snapshot.getConnectingExecutors()
                + state.getPlannedCapacitySnapshot() + state.getAdditionalPlannedCapacity();
        int excess = snapshot.getQueueLength() - available;
        if (excess <= 0) {
            return NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
        }
        for (PiCloud cloud : Jenkins.get().clouds.getAll(PiCloud.class)) {
            Cloud.CloudState cloudState = new Cloud.CloudState(label, state.getAdditionalPlannedCapacity());
            if (excess <= 0 || !cloud.canProvision(cloudState) || vetoed(cloud, cloudState, excess)) {
                continue;
            }
            Collection<NodeProvisioner.PlannedNode> planned = cloud.provision(cloudState, excess);
            started(cloud, label, planned);
            state.recordPendingLaunches(planned);
            excess -= planned.stream().mapToInt(p -> p.numExecutors).sum();
        }
        return excess <= 0 ? NodeProvisioner.StrategyDecision.PROVISIONING_COMPLETED
                : NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
    }

    private static boolean vetoed(Cloud cloud, Cloud.CloudState state, int workload) {
        for (CloudProvisioningListener l : CloudProvisioningListener.all()) {
            if (l.canProvision(cloud, state, workload) != null) {
                return true;
            }
        }
        return false;
    }

    private static void started(Cloud cloud, Label label, Collection<NodeProvisioner.PlannedNode> planned) {
        for (CloudProvisioningListener l : CloudProvisioningListener.all()) {
            try {
                l.onStarted(cloud, label, planned);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "provisioning listener " + l + " failed on " + cloud.name, e);
            }
        }
    }
}
