package io.jenkins.plugins.cattlepi.cloud;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Label;
import hudson.model.LoadStatistics;
import hudson.slaves.Cloud;
import hudson.slaves.CloudProvisioningListener;
import hudson.slaves.NodeProvisioner;
import java.util.Collection;
import jenkins.model.Jenkins;

/**
 * Provisions Pi nodes as soon as builds wait for their label, instead of after the default
 * strategy's load averaging: a ready Pi is there to be used, and leasing it costs nothing.
 */
@Extension(ordinal = 100)
public class NoDelayProvisioning extends NodeProvisioner.Strategy {
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
            if (excess <= 0 || !cloud.canProvision(cloudState)) {
                continue;
            }
            Collection<NodeProvisioner.PlannedNode> planned = cloud.provision(cloudState, excess);
            for (CloudProvisioningListener l : CloudProvisioningListener.all()) {
                l.onStarted(cloud, label, planned);
            }
            state.recordPendingLaunches(planned);
            excess -= planned.stream().mapToInt(p -> p.numExecutors).sum();
        }
        return excess <= 0 ? NodeProvisioner.StrategyDecision.PROVISIONING_COMPLETED
                : NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
    }
}
