package io.jenkins.plugins.cattlepi.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.ExtensionList;
import hudson.diagnosis.OldDataMonitor;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Slave;
import io.jenkins.plugins.cattlepi.agent.ControllerSideLauncher;
import io.jenkins.plugins.cattlepi.agent.OneShotRetention;
import io.jenkins.plugins.cattlepi.cloud.PiCloud;
import io.jenkins.plugins.cattlepi.cloud.PiMachine;
import io.jenkins.plugins.cattlepi.config.CattlePiConfiguration;
import io.jenkins.plugins.cattlepi.trigger.SqsCause;
import io.jenkins.plugins.cattlepi.trigger.SqsTrigger;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import org.jvnet.hudson.test.junit.jupiter.WithLocalData;

/**
 * A Jenkins home saved by 0.1.0, when every class lived in {@code io.jenkins.plugins.cattlepi}
 * (the files under this test's resources): the cloud, the global configuration, an agent's launcher,
 * the job's trigger and a build's cause all load into the moved classes, and nothing is left as
 * unreadable data (the dropped command prefixes are transient fields).
 */
@WithJenkins
class MovedClassesTest {
    private static final String QUEUE = "http://127.0.0.1:9/000000000000/deliveries";

    @Test
    @WithLocalData
    void savesFromBeforeTheMoveLoad(JenkinsRule j) throws Exception {
        PiCloud cloud = j.jenkins.clouds.get(PiCloud.class);
        assertNotNull(cloud, "the cloud saved as io.jenkins.plugins.cattlepi.PiCloud");
        assertEquals("rack", cloud.name);
        assertEquals(7, cloud.getIdleMinutes());
        PiMachine pi = cloud.getMachines().get(0);
        assertEquals("pi-1", pi.getName());
        assertEquals(2222, pi.getPort());
        assertEquals("camera", pi.getLabels());
        assertEquals("bubblewrap", cloud.getBuildSandbox(), "saved before the sandbox: its agents are sandboxed now");
        assertEquals(1024, cloud.getBuildMaxProcesses());
        assertTrue(cloud.getBuildMaxMemoryMb() >= 1024, "the agent's JVM gets its share");

        CattlePiConfiguration config = CattlePiConfiguration.get();
        assertEquals("eu-west-1", config.getAwsRegion(), "read from io.jenkins.plugins.cattlepi.CattlePiConfiguration.xml");
        assertEquals("cattlepi-logs", config.getS3Bucket());
        assertEquals("master", config.getPushBranches());
        assertEquals("OWNER MEMBER COLLABORATOR", config.getTrustedAssociations(), "saved before ok-to-test: the defaults");
        assertEquals("ok-to-test", config.getOkToTestLabel());

        FreeStyleProject job = j.jenkins.getItemByFullName("cattlepi", FreeStyleProject.class);
        SqsTrigger trigger = job.getTrigger(SqsTrigger.class);
        assertNotNull(trigger, "the trigger saved as io.jenkins.plugins.cattlepi.SqsTrigger");
        assertEquals(QUEUE, trigger.getQueueUrl());

        FreeStyleBuild build = job.getBuildByNumber(1);
        SqsCause cause = build.getCause(SqsCause.class);
        assertNotNull(cause, "the cause saved as io.jenkins.plugins.cattlepi.SqsCause");
        assertEquals("b-0001", cause.getBuildId());
        assertEquals(QUEUE, cause.getQueueUrl());

        // An agent saved with the launcher and its command prefix loads, and is not launched on the controller.
        Slave oldAgent = (Slave) j.jenkins.getNode("old-agent");
        assertInstanceOf(ControllerSideLauncher.class, oldAgent.getLauncher());
        assertInstanceOf(OneShotRetention.class, oldAgent.getRetentionStrategy());
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of(oldAgent.getRemoteFS())), "never launched");

        OldDataMonitor unreadable = ExtensionList.lookupSingleton(OldDataMonitor.class);
        assertFalse(unreadable.getData().containsKey(j.jenkins), "config.xml loaded whole");
        assertFalse(unreadable.getData().containsKey(job), "the job loaded whole");
        assertFalse(unreadable.getData().containsKey(build), "the build loaded whole");
        assertFalse(unreadable.getData().containsKey(oldAgent), "the agent loaded whole, its command prefix dropped");
    }

    @Test
    @WithLocalData("savesFromBeforeTheMoveLoad")
    void theGlobalConfigurationIsSavedUnderItsNewName(JenkinsRule j) throws Exception {
        CattlePiConfiguration config = CattlePiConfiguration.get();
        config.setStatusContext("cattlepi-ci/jenkins");
        CattlePiConfiguration reloaded = new CattlePiConfiguration();
        assertEquals("cattlepi-ci/jenkins", reloaded.getStatusContext());
        assertEquals("eu-west-1", reloaded.getAwsRegion(), "the old file's settings came along");
    }
}
