package io.jenkins.plugins.cattlepi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Fields with a default take it when left empty (the UI posts "" for a cleared box); optional ones become unset. */
@WithJenkins
class CattlePiConfigurationTest {
    @Test
    void anEmptyFieldWithADefaultTakesTheDefault(JenkinsRule j) {
        CattlePiConfiguration c = CattlePiConfiguration.get();
        c.setAwsRegion(" eu-west-1 ");
        assertEquals("eu-west-1", c.getAwsRegion());
        c.setAwsRegion("");
        assertEquals("us-east-1", c.getAwsRegion(), "an empty region is the default region, not none");
        c.setAwsRegion(null);
        assertEquals("us-east-1", c.getAwsRegion());
        c.setStatusContext("");
        assertEquals("cattlepi-ci", c.getStatusContext());
        c.setGithubApiUrl("");
        assertEquals("https://api.github.com", c.getGithubApiUrl());
        c.setCloneBase("");
        assertEquals("https://github.com/", c.getCloneBase());

        c.setSqsEndpoint("");
        assertNull(c.getSqsEndpoint(), "an optional field left empty is unset");
    }

    @Test
    void theDefaultRegionSurvivesAReload(JenkinsRule j) {
        CattlePiConfiguration.get().setAwsRegion("");
        assertEquals("us-east-1", new CattlePiConfiguration().getAwsRegion());
    }
}
