package io.jenkins.plugins.cattlepi.reaper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.ExtensionList;
import hudson.model.TaskListener;
import io.cattlepi.ci.rack.Rack;
import io.cattlepi.ci.worker.Worker;
import io.jenkins.plugins.cattlepi.TestRack;
import io.jenkins.plugins.cattlepi.agent.ControllerSideLauncher;
import io.jenkins.plugins.cattlepi.agent.PiNode;
import io.jenkins.plugins.cattlepi.cloud.RackRuntimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The reaper against a simulated rack: leases without holders, Pi nodes without leases, and cells
 * of nodes Jenkins no longer has.
 */
@WithJenkins
class OrphanReaperTest {
    private JenkinsRule j;
    private TestRack rack;
    private OrphanReaper reaper;

    @BeforeEach
    void rack(JenkinsRule j) throws Exception {
        this.j = j;
        rack = TestRack.start(j, 2);
        reaper = ExtensionList.lookupSingleton(OrphanReaper.class);
    }

    @AfterEach
    void stop() {
        OrphanReaper.provisioningGrace = Duration.ofMinutes(2);
        rack.close();
    }

    @Test
    void aLeaseNoNodeHoldsIsGivenBackOnlyAfterTheGrace() throws Exception {
        Rack pis = RackRuntimes.of(rack.cloud);
        Worker leased = pis.leases().lease(PiNode.holder("rack-gone"), w -> true).orElseThrow();

        reaper.execute(TaskListener.NULL);
        assertTrue(pis.leases().heldBy(PiNode.holder("rack-gone")).isPresent(), "a young lease may have a node on its way");

        OrphanReaper.provisioningGrace = Duration.ZERO;
        rack.await("the lease is older than no grace at all", () -> Instant.now().isAfter(leased.stateSince()));
        reaper.execute(TaskListener.NULL);
        assertFalse(pis.leases().heldBy(PiNode.holder("rack-gone")).isPresent(), "an old lease without a node goes back");
        rack.await(leased.id() + " is reset and ready again", () -> rack.ready() == 2);
    }

    @Test
    void anIdlePiNodeWhoseLeaseIsGoneIsRemovedAndOneWithItsLeaseStays(@TempDir Path agents) throws Exception {
        Rack pis = RackRuntimes.of(rack.cloud);
        PiNode kept = node(pis, "rack-kept", agents);
        PiNode orphan = node(pis, "rack-orphan", agents);
        pis.leases().release(orphan.holder(), false, "the store forgot it");

        OrphanReaper.provisioningGrace = Duration.ZERO;
        reaper.execute(TaskListener.NULL);

        rack.await("the node without a lease is removed", () -> j.jenkins.getNode("rack-orphan") == null);
        assertNotNull(j.jenkins.getNode("rack-kept"));
        assertEquals(kept.getPiId(), pis.leases().heldBy(kept.holder()).orElseThrow().id(), "its lease is kept");
    }

    @Test
    void theCellOfANodeJenkinsDroppedIsDeletedAndNothingElseThere() throws Exception {
        Path agents = rack.cloud.agentsFolder();
        Path dropped = Files.createDirectories(agents.resolve("rack-0badcafe").resolve("build").resolve("src"));
        Path other = Files.createDirectories(agents.resolve("not-a-node"));

        reaper.execute(TaskListener.NULL);

        assertFalse(Files.exists(dropped.getParent().getParent()), "a restart dropped its node without terminating it");
        assertTrue(Files.exists(other), "only folders named as the cloud names its nodes");
    }

    private PiNode node(Rack pis, String name, Path agents) throws Exception {
        Worker pi = pis.leases().lease(PiNode.holder(name), w -> true).orElseThrow();
        PiNode node = new PiNode(name, rack.cloud, pi, new ControllerSideLauncher(), agents.resolve(name).toString(),
                "cattlepi");
        j.jenkins.addNode(node);
        return node;
    }
}
