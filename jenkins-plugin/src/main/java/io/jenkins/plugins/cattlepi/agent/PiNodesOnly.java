package io.jenkins.plugins.cattlepi.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.DescriptorVisibilityFilter;

/**
 * Offers the controller-side launcher and the one-shot retention only where they belong: on Pi
 * nodes. Agent pages list launchers and retention strategies through this filter
 * (hudson.model.Slave.SlaveDescriptor#computerLauncherDescriptors and #retentionStrategyDescriptors,
 * by the node, or by its class for a new one).
 */
@Extension
public class PiNodesOnly extends DescriptorVisibilityFilter {
    @Override
    public boolean filterType(@NonNull Class<?> contextClass, @NonNull Descriptor descriptor) {
        return !forPiNodesOnly(descriptor) || PiNode.class.isAssignableFrom(contextClass);
    }

    @Override
    public boolean filter(Object context, @NonNull Descriptor descriptor) {
        return !forPiNodesOnly(descriptor) || context instanceof PiNode;
    }

    private static boolean forPiNodesOnly(Descriptor<?> d) {
        return d instanceof ControllerSideLauncher.DescriptorImpl || d instanceof OneShotRetention.DescriptorImpl;
    }
}
