package io.jenkins.plugins.cattlepi.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.ExtensionList;
import hudson.model.Computer;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.labels.LabelAtom;
import hudson.model.queue.CauseOfBlockage;
import hudson.model.queue.QueueTaskFuture;
import hudson.slaves.Cloud;
import hudson.slaves.CloudProvisioningListener;
import hudson.tasks.Shell;
import io.cattlepi.ci.fleet.WorkerState;
import io.jenkins.plugins.cattlepi.TestRack;
import io.jenkins.plugins.cattlepi.agent.PiNode;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
        FreeStyleProject job = j.createFreeStyleProject("recipe");
        job.setAssignedLabel(new LabelAtom("cattlepi"));
        job.getBuildersList().add(new Shell("echo \"device under build: $BUILDER_NODE:$BUILDER_PORT as $BUILDER_USER\""));
        FreeStyleBuild build = j.buildAndAssertSuccess(job);

        String host = rack.fixture.rack().pis().get(0).host();
        j.assertLogContains("device under build: " + host + ":", build);
        String node = build.getBuiltOnStr();
        assertTrue(node.startsWith("rack-"), node);
        rack.await("the one-shot node is gone", () -> j.jenkins.getNode(node) == null);
        rack.await("its Pi was reset and is ready again", () -> rack.ready() == 2);
        assertTrue(rack.workers().stream().allMatch(w -> w.health().resets() >= 2
                || w.state() == WorkerState.READY), "the used Pi went through another reset");
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
        rack.await("two Pi nodes", () -> j.jenkins.getNodes().stream().filter(n -> n instanceof PiNode).count() == 2);
        assertEquals(2, j.jenkins.getNodes().stream().filter(n -> n instanceof PiNode).count());
        j.waitUntilNoActivity();
        assertEquals(4, job.getBuilds().size());
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
    void aPiNodesConfigurePageIsReadOnly(@TempDir Path gate) throws Exception {
        Path go = gate.resolve("go");
        FreeStyleProject job = j.createFreeStyleProject("held");
        job.setAssignedLabel(new LabelAtom("cattlepi"));
        job.getBuildersList().add(new Shell("while [ ! -e '" + go + "' ]; do sleep 0.1; done"));
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

        Files.createFile(go);
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
