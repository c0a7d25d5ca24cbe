package io.jenkins.plugins.cattlepi.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.util.FormValidation;
import io.jenkins.plugins.cattlepi.TestRack;
import io.jenkins.plugins.cattlepi.cloud.PiCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A Pi node's agent in its bubblewrap cell, probed by the pipeline it runs, as a hostile pull request
 * would: its remote folder is the cell's own, Jenkins' home and the controller's files are not there,
 * the Pis' key is reachable only through the cell's ssh-agent, and that is enough to log into the
 * leased Pi. When the node ends, its cell and folder go.
 */
@WithJenkins
class SandboxedAgentTest {
    private JenkinsRule j;
    private TestRack rack;

    @BeforeEach
    void rack(JenkinsRule j) throws Exception {
        this.j = j;
        rack = TestRack.start(j, 1);
    }

    @AfterEach
    void stop() {
        rack.close();
    }

    @Test
    void thePipelineSeesItsCellAndThePiButNothingOfJenkins() throws Exception {
        Path jenkinsHome = j.jenkins.getRootDir().toPath();
        String keyLine = rack.fixture.privateKeyText().lines().toList().get(1);
        String probe = String.join("\n",
                "set +x", // the trace would echo the probes' own words
                "echo \"folder: $(pwd)\"",
                "echo \"home: $HOME socket: $SSH_AUTH_SOCK\"",
                "echo \"keys: $(ssh-add -l | wc -l)\"",
                "test -e '" + jenkinsHome.resolve("config.xml") + "' && echo 'jenkins home: visible'"
                        + " || echo 'jenkins home: absent'",
                "test -e /root && echo 'root: visible' || echo 'root: absent'",
                "grep -rlsF -- '" + keyLine + "' /build /tmp /etc /run 2>/dev/null | sed 's/^/key file: /'",
                "echo \"processes: $(ls -d /proc/[0-9]* | wc -l)\"",
                "ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
                        + " -p \"$BUILDER_PORT\" \"$BUILDER_USER@$BUILDER_NODE\" /etc/cattlepi/release.sh"
                        + " | sed 's/^/the Pi says: /'");
        WorkflowJob job = j.createProject(WorkflowJob.class, "probe");
        job.setDefinition(new CpsFlowDefinition("node('cattlepi') { sh '''" + probe.replace("\\", "\\\\") + "''' }",
                true));
        WorkflowRun run = j.buildAndAssertSuccess(job);
        String log = JenkinsRule.getLog(run);

        assertTrue(log.contains("folder: /build/src/workspace/probe"), log);
        assertTrue(log.contains("home: /build/home socket: /run/cattlepi-ci/agent.sock"), log);
        assertTrue(log.contains("keys: 1"), "the Pis' key, through the cell's ssh-agent: " + log);
        assertTrue(log.contains("jenkins home: absent"), log);
        assertTrue(log.contains("root: absent"), log);
        assertFalse(log.contains("key file:"), "no file the build can read holds the Pis' key: " + log);
        Matcher processes = Pattern.compile("processes: (\\d+)").matcher(log);
        assertTrue(processes.find() && Integer.parseInt(processes.group(1)) < 20,
                "its own PID namespace: the agent and its build only: " + log);
        assertTrue(log.contains("the Pi says: raspbian_stock"), "the agent's key logs into the leased Pi: " + log);

        String node = nodeOf(run);
        rack.await("the node is gone", () -> j.jenkins.getNode(node) == null);
        rack.await("its cell's folder is gone", () -> !Files.exists(rack.cloud.agentWork(node)));
    }

    /** The node the run's one {@code node} block ran on, as its log names it. */
    private static String nodeOf(WorkflowRun run) throws Exception {
        String log = JenkinsRule.getLog(run);
        Matcher m = Pattern.compile("Running on (rack-[0-9a-f]{8})").matcher(log);
        assertTrue(m.find(), log);
        return m.group(1);
    }

    @Test
    void switchingTheSandboxOffIsWarnedInTheForm() {
        PiCloud.DescriptorImpl d = j.jenkins.getDescriptorByType(PiCloud.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.WARNING, d.doCheckBuildSandbox("off").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckBuildSandbox("bubblewrap").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckBuildMaxMemoryMb(512).kind, "the agent's JVM needs its share");
        assertEquals(FormValidation.Kind.ERROR, d.doCheckBuildMaxProcesses(16).kind, "its threads count");
    }
}
