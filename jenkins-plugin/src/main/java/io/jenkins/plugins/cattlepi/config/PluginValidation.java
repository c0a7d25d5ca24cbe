package io.jenkins.plugins.cattlepi.config;

import hudson.Util;
import hudson.util.FormValidation;
import java.net.URI;
import java.net.URISyntaxException;

/** Form checks shared by the describables. */
public final class PluginValidation {
    private PluginValidation() {
    }

    /** Empty is fine (the field is optional); otherwise an absolute http(s) URL. */
    public static FormValidation url(String value) {
        String v = Util.fixEmptyAndTrim(value);
        if (v == null) {
            return FormValidation.ok();
        }
        try {
            URI u = new URI(v);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                return FormValidation.error("Expected an http(s) URL with a host, got \"" + v + "\"");
            }
            return FormValidation.ok();
        } catch (URISyntaxException e) {
            return FormValidation.error("Not a URL: " + e.getMessage());
        }
    }
}
