package io.jenkins.plugins.cattlepi.cloud;

import hudson.Extension;
import hudson.Util;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.model.labels.LabelAtom;
import hudson.util.FormValidation;
import io.cattlepi.ci.worker.RackMember;
import java.util.Locale;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** One Pi of the rack: its name, where to reach it, its MAC (the CattlePi API's device id) and labels. */
public class PiMachine extends AbstractDescribableImpl<PiMachine> {
    private final String name;
    private final String host;
    private final String mac;
    private int port = 22;
    private String labels = "";

    @DataBoundConstructor
    public PiMachine(String name, String host, String mac) {
        this.name = Util.fixEmptyAndTrim(name);
        this.host = Util.fixEmptyAndTrim(host);
        String m = Util.fixEmptyAndTrim(mac);
        this.mac = m == null ? null : m.toLowerCase(Locale.ROOT);
    }

    protected Object readResolve() {
        if (port == 0) {
            port = 22;
        }
        if (labels == null) {
            labels = "";
        }
        return this;
    }

    /** @throws IllegalArgumentException naming the Pi and the bad field */
    RackMember member() {
        try {
            return RackMember.of(name, host, port, mac);
        } catch (RackMember.InvalidMember e) {
            throw new IllegalArgumentException("Pi " + (name == null ? "(no name)" : name) + ": " + e.field() + " "
                    + e.getMessage());
        }
    }

    /** The cloud's labels plus this Pi's own. */
    Set<LabelAtom> labelAtoms(String cloudLabels) {
        return LabelAtom.parse(Util.fixNull(cloudLabels) + " " + Util.fixNull(labels));
    }

    public String getName() {
        return name;
    }

    public String getHost() {
        return host;
    }

    public String getMac() {
        return mac;
    }

    public int getPort() {
        return port;
    }

    @DataBoundSetter
    public void setPort(int port) {
        this.port = port;
    }

    public String getLabels() {
        return labels;
    }

    @DataBoundSetter
    public void setLabels(String labels) {
        this.labels = Util.fixNull(labels).trim();
    }

    @Extension
    @Symbol("pi")
    public static class DescriptorImpl extends Descriptor<PiMachine> {
        @Override
        public String getDisplayName() {
            return "Raspberry Pi";
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            return RackMember.NAME.matcher(Util.fixNull(value).trim()).matches() ? FormValidation.ok()
                    : FormValidation.error("1-64 letters, digits, '.', '_' or '-'");
        }

        @POST
        public FormValidation doCheckMac(@QueryParameter String value) {
            return RackMember.MAC.matcher(Util.fixNull(value).trim().toLowerCase(Locale.ROOT)).matches()
                    ? FormValidation.ok() : FormValidation.error("Expected a MAC like b8:27:eb:00:00:01");
        }

        @POST
        public FormValidation doCheckHost(@QueryParameter String value) {
            return RackMember.HOST.matcher(Util.fixNull(value).trim()).matches() ? FormValidation.ok()
                    : FormValidation.error("A host name or address is needed");
        }
    }
}
