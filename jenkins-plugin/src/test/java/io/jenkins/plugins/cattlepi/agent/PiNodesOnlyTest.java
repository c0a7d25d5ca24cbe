package io.jenkins.plugins.cattlepi.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Descriptor;
import hudson.model.DescriptorVisibilityFilter;
import hudson.model.Slave;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.DumbSlave;
import hudson.slaves.JNLPLauncher;
import hudson.slaves.RetentionStrategy;
import hudson.slaves.SlaveComputer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The controller-side launcher and the one-shot retention belong to Pi nodes and to nothing else. */
@WithJenkins
class PiNodesOnlyTest {
    private static boolean offers(List<? extends Descriptor<?>> descriptors, Class<?> type) {
        return descriptors.stream().anyMatch(type::isInstance);
    }

    @Test
    void anOrdinaryAgentsPageOffersNeitherTheLauncherNorTheRetention(JenkinsRule j, @TempDir Path home) throws Exception {
        DumbSlave agent = new DumbSlave("plain", home.toString(), new JNLPLauncher());
        Slave.SlaveDescriptor page = (Slave.SlaveDescriptor) agent.getDescriptor();

        assertFalse(offers(page.computerLauncherDescriptors(agent), ControllerSideLauncher.DescriptorImpl.class));
        assertFalse(offers(page.retentionStrategyDescriptors(agent), OneShotRetention.DescriptorImpl.class));
        assertFalse(offers(page.computerLauncherDescriptors(null), ControllerSideLauncher.DescriptorImpl.class),
                "nor on the page of a new agent");
        assertFalse(offers(page.retentionStrategyDescriptors(null), OneShotRetention.DescriptorImpl.class));

        List<Descriptor<ComputerLauncher>> forPiNodes = DescriptorVisibilityFilter.applyType(PiNode.class,
                j.jenkins.getDescriptorList(ComputerLauncher.class));
        assertTrue(offers(forPiNodes, ControllerSideLauncher.DescriptorImpl.class), "Pi nodes keep it");
    }

    @Test
    void anOrdinaryAgentGivenThemIsNeitherLaunchedOnTheControllerNorTerminated(JenkinsRule j, @TempDir Path home)
            throws Exception {
        DumbSlave agent = new DumbSlave("plain", home.toString(), new ControllerSideLauncher());
        agent.setRetentionStrategy(new OneShotRetention(1));
        j.jenkins.addNode(agent);
        SlaveComputer computer = agent.getComputer();
        try {
            computer.connect(false).get();
        } catch (ExecutionException expected) {
            // the launcher refuses: SlaveComputer#_connect rethrows its AbortException
        }

        assertTrue(computer.isOffline());
        assertTrue(computer.getLog().contains("only launches CattlePi Pi nodes"), computer.getLog());
        assertFalse(Files.exists(home.resolve("agent.jar")), "nothing of an agent was put in its folder");

        @SuppressWarnings({"rawtypes", "unchecked"}) // as Jenkins calls it (ComputerRetentionWork)
        long next = ((RetentionStrategy) agent.getRetentionStrategy()).check(computer);
        assertEquals(1, next);
        assertNotNull(j.jenkins.getNode("plain"), "an ordinary agent is not terminated by it");
    }
}
