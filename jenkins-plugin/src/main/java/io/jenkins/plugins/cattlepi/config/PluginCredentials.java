package io.jenkins.plugins.cattlepi.config;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/** Looks up the system-scoped credentials the plugin's configuration names by id. */
public final class PluginCredentials {
    private PluginCredentials() {
    }

    public static StandardUsernamePasswordCredentials usernamePassword(String id, String what) {
        return find(StandardUsernamePasswordCredentials.class, id, what);
    }

    public static StringCredentials secretText(String id, String what) {
        return find(StringCredentials.class, id, what);
    }

    public static SSHUserPrivateKey sshKey(String id, String what) {
        return find(SSHUserPrivateKey.class, id, what);
    }

    /** @throws IllegalStateException naming the field when the id is unset, unknown or of another kind */
    private static <C extends StandardCredentials> C find(Class<C> type, String id, String what) {
        if (id == null || id.isBlank()) {
            throw new IllegalStateException(what + " are not set");
        }
        C found = CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(type, Jenkins.get(), ACL.SYSTEM2, List.of()),
                CredentialsMatchers.withId(id));
        if (found == null) {
            throw new IllegalStateException(what + ": no " + type.getSimpleName() + " with id \"" + id + "\"");
        }
        return found;
    }

    public static ListBoxModel fill(Class<? extends StandardCredentials> type, String current) {
        Jenkins jenkins = Jenkins.get();
        if (!jenkins.hasPermission(Jenkins.ADMINISTER)) {
            return new StandardListBoxModel().includeCurrentValue(current);
        }
        return new StandardListBoxModel()
                .includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, jenkins, type, List.of(), CredentialsMatchers.always())
                .includeCurrentValue(current);
    }
}
