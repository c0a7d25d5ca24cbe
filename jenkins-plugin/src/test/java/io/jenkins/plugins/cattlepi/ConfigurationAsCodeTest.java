package io.jenkins.plugins.cattlepi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jenkins.plugins.casc.misc.junit.jupiter.AbstractRoundTripTest;
import io.jenkins.plugins.cattlepi.cloud.PiCloud;
import io.jenkins.plugins.cattlepi.cloud.PiMachine;
import io.jenkins.plugins.cattlepi.config.CattlePiConfiguration;
import org.jvnet.hudson.test.JenkinsRule;

/** The cloud and the global configuration load from YAML, export, and load again the same after a restart. */
class ConfigurationAsCodeTest extends AbstractRoundTripTest {
    @Override
    protected void assertConfiguredAsExpected(JenkinsRule j, String configContent) {
        PiCloud cloud = (PiCloud) j.jenkins.clouds.getByName("rack");
        assertEquals("cattlepi", cloud.getLabelString());
        assertEquals("http://cattlepi.example", cloud.getCattlepiApiUrl());
        assertEquals("cattlepi-api", cloud.getCattlepiCredentialsId());
        assertEquals("pi-ssh", cloud.getSshCredentialsId());
        assertEquals("track", cloud.getHostKeyPolicy());
        assertEquals("http://cattlepi.example/images/raspbian_lite_latest.zip", cloud.getRaspbianLocation());
        assertEquals(2, cloud.getMachines().size());
        PiMachine second = cloud.getMachines().get(1);
        assertEquals("pi-2", second.getName());
        assertEquals("10.0.0.12", second.getHost());
        assertEquals(2222, second.getPort());
        assertEquals("b8:27:eb:00:00:02", second.getMac());
        assertEquals("camera", second.getLabels());
        assertFalse(cloud.isAgentOnPi());

        CattlePiConfiguration c = CattlePiConfiguration.get();
        assertEquals("cattlepi/cattlepi", c.getAllowedRepositories().trim());
        assertEquals("eu-west-1", c.getAwsRegion());
        assertEquals("aws", c.getAwsCredentialsId());
        assertEquals("github", c.getGithubCredentialsId());
        assertEquals("cattlepi-logs", c.getS3Bucket());
        assertEquals("https://cattlepi-logs.s3.amazonaws.com/", c.getS3PublicUrl());
    }

    @Override
    protected String stringInLogExpected() {
        return "cattlepiApiUrl = http://cattlepi.example";
    }
}
