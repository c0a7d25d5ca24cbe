package io.jenkins.plugins.cattlepi.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.ExtensionList;
import hudson.model.Computer;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.labels.LabelAtom;
import hudson.model.queue.CauseOfBlockage;
import hudson.model.queue.QueueTaskFuture;
import hudson.slaves.Cloud;
import hudson.slaves.CloudProvisioningListener;
import hudson.slaves.NodeProvisioner;
import hudson.tasks.Shell;
import io.cattlepi.ci.fleet.PiLeases;
import io.cattlepi.ci.worker.Worker;
import io.jenkins.plugins.cattlepi.TestRack;
import io.jenkins.plugins.cattlepi.agent.PiNode;
import java.net.URL;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The Pi cloud against a simulated rack: one-shot nodes, BUILDER_NODE, reset after use, the lease step. */
@WithJenkins
class PiCloudTest {
    private JenkinsRule j;
    private TestRack rack;

    @BeforeEach
    void rack(JenkinsRule j) throws Exception {
        this.j = j;
        rack = TestRack.start(j, 2);
    }

    @AfterEach
    void stop() {
        rack.close();
    }

    @Test
    void aJobOnThePiLabelGetsAOneShotNodeAndThePiIsResetAfterwards() throws Exception {
        Map<String, Integer> resetsBefore = rack.workers().stream().collect(Collectors.toMap(Worker::id,
                w -> w.health().resets()));
        FreeStyleProject job = j.createFreeStyleProject("recipe");
        job.setAssignedLabel(new LabelAtom("cattlepi"));
        job.getBuildersList().add(new Shell("echo \"device under build: $BUILDER_NODE:$BUILDER_PORT as $BUILDER_USER\""));
        FreeStyleBuild build = j.buildAndAssertSuccess(job);

        Matcher device = Pattern.compile("device under build: ([^:]+):(\\d+) as pi").matcher(JenkinsRule.getLog(build));
        assertTrue(device.find(), "the build saw its Pi");
        Worker used = rack.workers().stream()
                .filter(w -> w.host().equals(device.group(1)) && w.port() == Integer.parseInt(device.group(2)))
                .findFirst().orElseThrow();
        String node = build.getBuiltOnStr();
        assertTrue(node.startsWith("rack-"), node);
        rack.await("the one-shot node is gone", () -> j.jenkins.getNode(node) == null);
        rack.await("the used Pi went through another reset", () -> resets(used.id()) > resetsBefore.get(used.id()));
        rack.await("both Pis are ready again", () -> rack.ready() == 2);
        assertEquals(resetsBefore.get(used.id()) + 1, resets(used.id()), "one reset for one build");
        for (Worker other : rack.workers()) {
            if (!other.id().equals(used.id())) {
                assertEquals(resetsBefore.get(other.id()), other.health().resets(), "the unused Pi was left alone");
            }
        }
    }

    private int resets(String piId) {
        return rack.workers().stream().filter(w -> w.id().equals(piId)).findFirst().orElseThrow().health().resets();
    }

    @Test
    void neverMoreNodesThanReadyPis() throws Exception {
        FreeStyleProject job = j.createFreeStyleProject("slow");
        job.setAssignedLabel(new LabelAtom("cattlepi"));
        job.setConcurrentBuild(true);
        job.getBuildersList().add(new Shell("sleep 3"));
        for (int i = 0; i < 4; i++) {
            job.scheduleBuild2(0);
        }
        rack.await("four builds", () -> job.getBuilds().size() == 4);
        j.waitUntilNoActivity();

        Bound bound = ExtensionList.lookupSingleton(Bound.class);
        assertTrue(bound.passes.get() >= 2, "four one-shot builds on two Pis take two passes at least");
        assertEquals(List.of(), bound.violations, "at every provisioning pass, each new node held its own ready Pi");
        for (FreeStyleBuild b : job.getBuilds()) {
            j.assertBuildStatusSuccess(b);
        }
    }

    /** The cloud hands over its nodes already made (completed futures). */
    private static Optional<PiNode> nodeOf(NodeProvisioner.PlannedNode p) {
        try {
            return p.future.isDone() ? Optional.of((PiNode) p.future.get()) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty();
        }
    }

    /**
     * Checks the bound at every provisioning pass (core's strategy or ours): each node planned holds
     * a Pi of its own, leased when it was ready, and none that another live Pi node holds.
     */
    @TestExtension("neverMoreNodesThanReadyPis")
    public static class Bound extends CloudProvisioningListener {
        final AtomicInteger passes = new AtomicInteger();
        final List<String> violations = new CopyOnWriteArrayList<>();

        @Override
        public void onStarted(Cloud cloud, Label label, Collection<NodeProvisioner.PlannedNode> plannedNodes) {
            if (!(cloud instanceof PiCloud pi) || plannedNodes.isEmpty()) {
                return;
            }
            passes.incrementAndGet();
            PiLeases leases = RackRuntimes.of(pi).leases();
            Set<String> held = new HashSet<>();
            for (hudson.model.Node n : Jenkins.get().getNodes()) {
                if (n instanceof PiNode live) {
                    leases.heldBy(live.holder()).ifPresent(w -> held.add(w.id()));
                }
            }
            for (NodeProvisioner.PlannedNode p : plannedNodes) {
                Optional<Worker> leased = nodeOf(p).flatMap(node -> leases.heldBy(node.holder()));
                if (leased.isEmpty()) {
                    violations.add(p.displayName + " was planned without a Pi");
                } else if (!held.add(leased.get().id())) {
                    violations.add(p.displayName + " was planned on " + leased.get().id() + ", which another node holds");
                }
            }
        }
    }

    @Test
    void withCattlePiLeasesAPiForTheBlockOnAnyAgent() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "lease");
        job.setDefinition(new CpsFlowDefinition(
                "node { withCattlePi('cattlepi') { sh 'echo leased $BUILDER_NODE' } }", true));
        WorkflowRun run = j.buildAndAssertSuccess(job);
        j.assertLogContains("withCattlePi: leased Pi", run);
        j.assertLogContains("leased " + rack.fixture.rack().pis().get(0).host(), run);
        rack.await("the Pi is back", () -> rack.ready() == 2);
    }

    @Test
    void aPiNodesConfigurePageIsReadOnly() throws Exception {
        FreeStyleProject job = j.createFreeStyleProject("held");
        job.setAssignedLabel(new LabelAtom("cattlepi"));
        // The gate is in the build's workspace: the agent's cell shows nothing else of this host.
        job.getBuildersList().add(new Shell("while [ ! -e go ]; do sleep 0.1; done"));
        QueueTaskFuture<FreeStyleBuild> build = job.scheduleBuild2(0);
        PiNode node = (PiNode) build.waitForStart().getBuiltOn();

        assertFalse(node.toComputer().hasPermission(Computer.CONFIGURE), "nothing of a Pi node is the user's to change");
        JenkinsRule.WebClient web = j.createWebClient();
        HtmlPage page = web.getPage(node, "configure");
        assertTrue(page.getElementsByName("Submit").isEmpty(), "no Save button");
        WebRequest post = web.addCrumb(new WebRequest(new URL(j.getURL(), node.toComputer().getUrl() + "config.xml"),
                HttpMethod.POST));
        post.setRequestBody("<slave/>");
        assertEquals(403, web.withThrowExceptionOnFailingStatusCode(false).getPage(post).getWebResponse().getStatusCode());

        node.getWorkspaceFor(job).child("go").touch(0); // through the agent, in its cell
        j.assertBuildStatusSuccess(build);
    }

    @Test
    void aProvisioningListenersVetoKeepsPiNodesFromBeingMade() throws Exception {
        Veto veto = ExtensionList.lookupSingleton(Veto.class);
        veto.vetoing = true;
        FreeStyleProject job = j.createFreeStyleProject("vetoed");
        job.setAssignedLabel(new LabelAtom("cattlepi"));
        QueueTaskFuture<FreeStyleBuild> build = job.scheduleBuild2(0);

        rack.await("three provisioning passes asked the listener", () -> veto.asked.get() >= 3);
        assertEquals(0, j.jenkins.getNodes().stream().filter(n -> n instanceof PiNode).count(), "no node while vetoed");
        assertEquals(2, rack.ready(), "no Pi leased while vetoed");

        veto.vetoing = false;
        j.assertBuildStatusSuccess(build);
    }

    /** Vetoes Pi cloud provisioning while told to, as a quota or maintenance listener would. */
    @TestExtension("aProvisioningListenersVetoKeepsPiNodesFromBeingMade")
    public static class Veto extends CloudProvisioningListener {
        final AtomicInteger asked = new AtomicInteger();
        volatile boolean vetoing;

        @Override
        public CauseOfBlockage canProvision(Cloud cloud, Cloud.CloudState state, int numExecutors) {
            if (!(cloud instanceof PiCloud)) {
                return null;
            }
            asked.incrementAndGet();
            return vetoing ? new CauseOfBlockage() {
                @Override
                public String getShortDescription() {
                    return "the rack is closed for the test";
                }
            } : null;
        }
    }
}
