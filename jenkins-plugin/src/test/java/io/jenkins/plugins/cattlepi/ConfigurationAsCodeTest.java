package io.jenkins.plugins.cattlepi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jenkins.plugins.casc.misc.junit.jupiter.AbstractRoundTripTest;
import io.jenkins.plugins.cattlepi.cloud.PiCloud;
import io.jenkins.plugins.cattlepi.cloud.PiMachine;
import io.jenkins.plugins.cattlepi.config.CattlePiConfiguration;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The documented YAML (docs/jenkins.md, without credentials; the harness's default resource name
 * {@code configuration-as-code.yaml}) loads, exports, and loads again the same after a restart.
 */
class ConfigurationAsCodeTest extends AbstractRoundTripTest {
    @Override
    protected void assertConfiguredAsExpected(JenkinsRule j, String configContent) {
        PiCloud cloud = (PiCloud) j.jenkins.clouds.getByName("rack");
        assertEquals("cattlepi", cloud.getLabelString());
        assertEquals("https://api.cattlepi.com", cloud.getCattlepiApiUrl());
        assertEquals("cattlepi-api", cloud.getCattlepiCredentialsId());
        assertEquals("pi-ssh", cloud.getSshCredentialsId());
        assertEquals("per-boot", cloud.getHostKeyPolicy());
        assertEquals("https://api.cattlepi.com/images/global/raspbian/raspbian_lite_latest.zip",
                cloud.getRaspbianLocation());
        assertEquals("bubblewrap", cloud.getBuildSandbox());
        assertEquals(1024, cloud.getBuildMaxProcesses());
        assertEquals(2048, cloud.getBuildMaxMemoryMb());
        assertEquals(10, cloud.getIdleMinutes());
        assertEquals(3, cloud.getFailedResetStreak());
        assertFalse(cloud.isAgentOnPi());
        assertEquals(2, cloud.getMachines().size());
        PiMachine first = cloud.getMachines().get(0);
        assertEquals("pi-1", first.getName());
        assertEquals(22, first.getPort());
        assertEquals("", first.getLabels());
        PiMachine second = cloud.getMachines().get(1);
        assertEquals("pi-2", second.getName());
        assertEquals("192.168.1.12", second.getHost());
        assertEquals(2222, second.getPort());
        assertEquals("b8:27:eb:00:00:02", second.getMac());
        assertEquals("camera", second.getLabels());

        CattlePiConfiguration c = CattlePiConfiguration.get();
        assertEquals("cattlepi/cattlepi", c.getAllowedRepositories().trim());
        assertEquals("master", c.getPushBranches().trim());
        assertFalse(c.isBuildDrafts());
        assertEquals("OWNER MEMBER COLLABORATOR", c.getTrustedAssociations());
        assertEquals("ok-to-test", c.getOkToTestLabel());
        assertEquals("https://github.com/", c.getCloneBase());
        assertEquals("https://api.github.com", c.getGithubApiUrl());
        assertEquals("github", c.getGithubCredentialsId());
        assertEquals("cattlepi-ci", c.getStatusContext());
        assertEquals("us-east-1", c.getAwsRegion());
        assertEquals("aws", c.getAwsCredentialsId());
        assertEquals("https://sqs.us-east-1.amazonaws.com/123456789012/cattlepi-ci-rejected", c.getDeadLetterQueueUrl());
        assertEquals("cattlepi-ci-logs", c.getS3Bucket());
        assertEquals("https://cattlepi-ci-logs.s3.amazonaws.com/", c.getS3PublicUrl());
    }

    @Override
    protected String stringInLogExpected() {
        return "raspbianLocation = https://api.cattlepi.com/images/global/raspbian/raspbian_lite_latest.zip";
    }
}
