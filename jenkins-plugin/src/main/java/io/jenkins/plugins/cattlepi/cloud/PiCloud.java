package io.jenkins.plugins.cattlepi.cloud;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Descriptor;
import hudson.model.Label;
import hudson.model.Node;
import hudson.plugins.sshslaves.SSHLauncher;
import hudson.plugins.sshslaves.verifiers.NonVerifyingKeyVerificationStrategy;
import hudson.slaves.Cloud;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.NodeProvisioner.PlannedNode;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.hostkey.HostKeyMode;
import io.cattlepi.ci.fleet.ssh.SshKeys;
import io.cattlepi.ci.rack.Rack;
import io.cattlepi.ci.rack.RackSettings;
import io.cattlepi.ci.sandbox.Sandbox;
import io.cattlepi.ci.sandbox.SandboxKind;
import io.cattlepi.ci.sandbox.SandboxSettings;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.worker.RackMember;
import io.cattlepi.ci.worker.Worker;
import io.jenkins.plugins.cattlepi.agent.AgentSandboxes;
import io.jenkins.plugins.cattlepi.agent.ControllerSideLauncher;
import io.jenkins.plugins.cattlepi.agent.PiNode;
import io.jenkins.plugins.cattlepi.config.PluginCredentials;
import io.jenkins.plugins.cattlepi.config.PluginValidation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * The rack as a Jenkins cloud: each {@code ready} Pi can become a one-shot node that takes one
 * build and is then handed back to core, which resets it to stock (CattlePi API, restore, reboot)
 * before it is offered again. Core's store is the lease accounting, so it survives restarts; the
 * orphan reaper reconciles it with the nodes Jenkins has.
 */
public class PiCloud extends Cloud {
    private static final Logger LOG = Logger.getLogger(PiCloud.class.getName());
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private List<PiMachine> machines;
    private String labelString = "cattlepi";
    private String cattlepiApiUrl = "https://api.cattlepi.com";
    private String cattlepiCredentialsId;
    private String sshCredentialsId;
    private String hostKeyPolicy = HostKeyMode.PER_BOOT.wireName();
    private String raspbianLocation;
    /** The CattlePi device id of the workers' shared config; null is core's {@code default}. */
    private String workersConfigDevice;
    private boolean agentOnPi;
    private String agentWorkDir;
    /**
     * Dropped with the launcher's command prefix ({@code ControllerSideLauncher#commandPrefix} says why).
     * Transient, so a cloud saved with it still loads (XStream2 reads transient fields,
     * hudson.util.RobustReflectionConverter#fieldDefinedInClass); readResolve says it is ignored.
     */
    @Deprecated
    private transient String agentCommandPrefix;
    private int idleMinutes = 10;
    private int failedResetStreak = 3;
    /** How controller-side agents are kept from the controller: {@code bubblewrap}, or {@code off} (warned). */
    private String buildSandbox = SandboxKind.BUBBLEWRAP.wireName();
    private int buildMaxProcesses = SandboxSettings.DEFAULT_MAX_PROCESSES;
    private int buildMaxMemoryMb = AgentSandboxes.defaultMaxMemoryMb();

    @DataBoundConstructor
    public PiCloud(String name, List<PiMachine> machines) {
        super(name);
        this.machines = machines == null ? new ArrayList<>() : new ArrayList<>(machines);
    }

    /** XStream skips constructors and initializers: a field missing from an older save gets its default here. */
    protected Object readResolve() {
        if (machines == null) {
            machines = new ArrayList<>();
        }
        if (labelString == null) {
            labelString = "cattlepi";
        }
        if (cattlepiApiUrl == null) {
            cattlepiApiUrl = "https://api.cattlepi.com";
        }
        if (hostKeyPolicy == null) {
            hostKeyPolicy = HostKeyMode.PER_BOOT.wireName();
        }
        if (idleMinutes < 1) {
            idleMinutes = 10;
        }
        if (failedResetStreak < 1) {
            failedResetStreak = 3;
        }
        if (buildSandbox == null) {
            buildSandbox = SandboxKind.BUBBLEWRAP.wireName(); // saves from before the sandbox: sandboxed now
        }
        if (buildMaxProcesses < 1) {
            buildMaxProcesses = SandboxSettings.DEFAULT_MAX_PROCESSES;
        }
        if (buildMaxMemoryMb < 1) {
            buildMaxMemoryMb = AgentSandboxes.defaultMaxMemoryMb();
        }
        if (agentCommandPrefix != null) {
            LOG.warning("Pi cloud " + name + ": its agent command prefix (" + agentCommandPrefix + ") is ignored; agents"
                    + " run without one, and the next save drops it");
            agentCommandPrefix = null;
        }
        return this;
    }

    // ---- provisioning

    /** Only for labelled work: Pi nodes are exclusive, so a job without a label could never use one. */
    @Override
    public boolean canProvision(CloudState state) {
        return state.getLabel() != null && machines.stream().anyMatch(m -> matches(state.getLabel(), m));
    }

    /**
     * Never more nodes than eligible Pis are ready; each node holds its Pi from this moment. No node
     * while the agents' sandbox is not known to work here: its agent could not start.
     */
    @Override
    public synchronized Collection<PlannedNode> provision(CloudState state, int excessWorkload) {
        Label label = state.getLabel();
        Optional<Rack> running = RackRuntimes.current(this);
        if (running.isEmpty()) {
            LOG.fine(() -> "Pi cloud " + name + ": its rack is starting; no node this pass");
            return List.of();
        }
        Optional<Sandbox> cells;
        try {
            cells = agentOnPi ? Optional.empty() : AgentSandboxes.current(name, sandboxSettings());
        } catch (IllegalArgumentException e) {
            LOG.warning(e.getMessage());
            return List.of();
        }
        if (!agentOnPi && cells.isEmpty()) {
            LOG.fine(() -> "Pi cloud " + name + ": its agents' sandbox is not ready (see the log); no node this pass");
            return List.of();
        }
        Rack rack = running.get();
        Predicate<Worker> eligible = eligible(label);
        int wanted = Math.min(excessWorkload, rack.leases().ready(eligible));
        List<PlannedNode> planned = new ArrayList<>();
        for (int i = 0; i < wanted; i++) {
            String nodeName = name + "-" + UUID.randomUUID().toString().substring(0, 8);
            String holder = PiNode.holder(nodeName);
            Optional<Worker> pi = rack.leases().lease(holder, eligible);
            if (pi.isEmpty()) {
                break;
            }
            try {
                PiNode node = new PiNode(nodeName, this, pi.get(), launcher(pi.get()), remoteFs(nodeName, cells),
                        labelsOf(pi.get().id()));
                planned.add(new PlannedNode(node.getDisplayName(), CompletableFuture.completedFuture((Node) node), 1));
                LOG.info("Pi cloud " + name + ": leased " + pi.get().id() + " as node " + nodeName);
            } catch (Descriptor.FormException | java.io.IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Pi cloud " + name + ": cannot make a node for " + pi.get().id(), e);
                rack.leases().release(holder, false, "node could not be created: " + e.getMessage());
            }
        }
        return planned;
    }

    public Predicate<Worker> eligible(Label label) {
        return w -> machine(w.id()).map(m -> matches(label, m)).orElse(false);
    }

    private boolean matches(Label label, PiMachine m) {
        return label != null && label.matches(m.labelAtoms(labelString));
    }

    private Optional<PiMachine> machine(String id) {
        return machines.stream().filter(m -> id.equals(m.getName())).findFirst();
    }

    private String labelsOf(String piId) {
        return (Util.fixNull(labelString) + " " + machine(piId).map(PiMachine::getLabels).orElse("")).trim();
    }

    /**
     * The recipe reboots the Pi mid-build, which would cut an agent running on it, so by default the
     * agent runs on the controller's host and the Pi is the device under build ({@code BUILDER_NODE}).
     */
    private ComputerLauncher launcher(Worker pi) {
        if (agentOnPi) {
            SSHLauncher ssh = new SSHLauncher(pi.host(), pi.port(), sshCredentialsId);
            // CattlePi Pis make new host keys at every boot; core's probe pinned this boot's key just now.
            ssh.setSshHostKeyVerificationStrategy(new NonVerifyingKeyVerificationStrategy());
            return ssh;
        }
        return new ControllerSideLauncher();
    }

    /**
     * The node's remote folder as its agent sees it. A controller-side agent runs in a cell, so that
     * is the cell's own folder as the cell shows it ({@code /build/src} in bubblewrap), known before
     * the cell is opened at launch: Jenkins fixes a node's remote folder when the node is made.
     */
    private String remoteFs(String nodeName, Optional<Sandbox> cells) {
        return cells.map(s -> s.srcInside(agentWork(nodeName))).orElse("/home/" + sshUser() + "/jenkins-agent");
    }

    /** The host folder of a node's cell: its own folder, agent.jar, workspaces; deleted when the node ends. */
    public Path agentWork(String nodeName) {
        return agentsFolder().resolve(nodeName);
    }

    /** Where the cells of this cloud's nodes are, one folder per node. */
    public Path agentsFolder() {
        String base = Util.fixEmptyAndTrim(agentWorkDir);
        return base == null ? Jenkins.get().getRootDir().toPath().resolve("cattlepi-agents") : Path.of(base);
    }

    // ---- what the agents' cells get

    /**
     * Hidden from every cell even where it lies under a folder the sandbox shows: Jenkins' home (its
     * secrets, credentials, jobs), the other nodes' cells, and where Jenkins' packages keep its
     * service settings (environment variables of the controller may hold keys): Debian's
     * {@code /etc/default/jenkins}, Red Hat's {@code /etc/sysconfig/jenkins}, and the systemd
     * drop-ins jenkins.io's "Managing systemd services" puts under {@code jenkins.service.d}.
     *
     * @throws IllegalArgumentException naming the bad field
     */
    public SandboxSettings sandboxSettings() {
        List<Path> hidden = List.of(Jenkins.get().getRootDir().toPath(), agentsFolder(), Path.of("/etc/default/jenkins"),
                Path.of("/etc/sysconfig/jenkins"), Path.of("/etc/systemd/system/jenkins.service.d"));
        SandboxKind kind;
        try {
            kind = SandboxKind.fromWire(buildSandbox);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Pi cloud " + name + ": build sandbox " + e.getMessage(), e);
        }
        return new SandboxSettings(kind, buildMaxProcesses, buildMaxMemoryMb * SandboxSettings.MIB, hidden);
    }

    /** The Pis' key for a cell's own ssh-agent: handed over on ssh-add's standard input, never written to a file. */
    public Secret piKey() {
        List<String> keys = sshCredentials().getPrivateKeys();
        if (keys.isEmpty()) {
            throw new IllegalStateException("Pi cloud " + name + ": SSH credentials " + sshCredentialsId + " hold no key");
        }
        return new Secret(keys.get(0));
    }

    // ---- what core gets

    /** @throws IllegalArgumentException or IllegalStateException naming the bad field */
    RackSettings rackSettings() {
        List<RackMember> members = new ArrayList<>();
        for (PiMachine m : machines) {
            members.add(m.member());
        }
        SSHUserPrivateKey ssh = sshCredentials();
        List<String> keys = ssh.getPrivateKeys();
        if (keys.isEmpty()) {
            throw new IllegalStateException("Pi cloud " + name + ": SSH credentials " + sshCredentialsId + " hold no key");
        }
        KeyPair identity = SshKeys.parse(keys.get(0).getBytes(StandardCharsets.US_ASCII),
                "Pi cloud " + name + " SSH credentials " + sshCredentialsId);
        StringCredentials apiKey = PluginCredentials.secretText(cattlepiCredentialsId,
                "Pi cloud " + name + ": CattlePi API key credentials");
        String raspbian = Util.fixEmptyAndTrim(raspbianLocation);
        return new RackSettings(members, ssh.getUsername(), identity, SshKeys.publicKeyLine(identity, "jenkins-cattlepi"),
                hostKeyMode(), URI.create(cattlepiApiUrl), new Secret(apiKey.getSecret().getPlainText()),
                raspbian == null ? null : URI.create(raspbian), workersConfigDevice, CALL_TIMEOUT,
                FleetSettings.DEFAULTS.withFailedResetStreak(failedResetStreak));
    }

    private HostKeyMode hostKeyMode() {
        try {
            return HostKeyMode.fromWire(hostKeyPolicy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Pi cloud " + name + ": host-key policy " + e.getMessage(), e);
        }
    }

    /** What the running rack depends on; a change restarts it. Credentials by id, never their secrets. */
    String rackFingerprint() {
        StringBuilder b = new StringBuilder();
        for (PiMachine m : machines) {
            b.append(m.getName()).append('@').append(m.getHost()).append(':').append(m.getPort()).append('/')
                    .append(m.getMac()).append(';');
        }
        return b.append(cattlepiApiUrl).append('|').append(cattlepiCredentialsId).append('|').append(sshCredentialsId)
                .append('|').append(hostKeyPolicy).append('|').append(raspbianLocation).append('|')
                .append(workersConfigDevice).append('|').append(failedResetStreak).toString();
    }

    private SSHUserPrivateKey sshCredentials() {
        return PluginCredentials.sshKey(sshCredentialsId, "Pi cloud " + name + ": SSH credentials");
    }

    public String sshUser() {
        try {
            return sshCredentials().getUsername();
        } catch (IllegalStateException e) {
            return "pi";
        }
    }

    // ---- getters and setters (UI and Configuration as Code)

    public List<PiMachine> getMachines() {
        return machines;
    }

    public String getLabelString() {
        return labelString;
    }

    @DataBoundSetter
    public void setLabelString(String labelString) {
        this.labelString = Util.fixNull(labelString).trim();
    }

    public String getCattlepiApiUrl() {
        return cattlepiApiUrl;
    }

    @DataBoundSetter
    public void setCattlepiApiUrl(String cattlepiApiUrl) {
        this.cattlepiApiUrl = Util.fixEmptyAndTrim(cattlepiApiUrl) == null ? "https://api.cattlepi.com"
                : cattlepiApiUrl.trim();
    }

    public String getCattlepiCredentialsId() {
        return cattlepiCredentialsId;
    }

    @DataBoundSetter
    public void setCattlepiCredentialsId(String cattlepiCredentialsId) {
        this.cattlepiCredentialsId = Util.fixEmptyAndTrim(cattlepiCredentialsId);
    }

    public String getSshCredentialsId() {
        return sshCredentialsId;
    }

    @DataBoundSetter
    public void setSshCredentialsId(String sshCredentialsId) {
        this.sshCredentialsId = Util.fixEmptyAndTrim(sshCredentialsId);
    }

    public String getHostKeyPolicy() {
        return hostKeyPolicy;
    }

    @DataBoundSetter
    public void setHostKeyPolicy(String hostKeyPolicy) {
        String p = Util.fixEmptyAndTrim(hostKeyPolicy);
        this.hostKeyPolicy = p == null ? HostKeyMode.PER_BOOT.wireName() : p;
    }

    public String getRaspbianLocation() {
        return raspbianLocation;
    }

    @DataBoundSetter
    public void setRaspbianLocation(String raspbianLocation) {
        this.raspbianLocation = Util.fixEmptyAndTrim(raspbianLocation);
    }

    public String getWorkersConfigDevice() {
        return workersConfigDevice;
    }

    @DataBoundSetter
    public void setWorkersConfigDevice(String workersConfigDevice) {
        String d = Util.fixEmptyAndTrim(workersConfigDevice);
        this.workersConfigDevice = d == null || d.equals(RackSettings.DEFAULT_WORKERS_DEVICE) ? null : d;
    }

    public boolean isAgentOnPi() {
        return agentOnPi;
    }

    @DataBoundSetter
    public void setAgentOnPi(boolean agentOnPi) {
        this.agentOnPi = agentOnPi;
    }

    public String getAgentWorkDir() {
        return agentWorkDir;
    }

    @DataBoundSetter
    public void setAgentWorkDir(String agentWorkDir) {
        this.agentWorkDir = Util.fixEmptyAndTrim(agentWorkDir);
    }

    public int getIdleMinutes() {
        return idleMinutes;
    }

    @DataBoundSetter
    public void setIdleMinutes(int idleMinutes) {
        this.idleMinutes = Math.max(1, idleMinutes);
    }

    public int getFailedResetStreak() {
        return failedResetStreak;
    }

    @DataBoundSetter
    public void setFailedResetStreak(int failedResetStreak) {
        this.failedResetStreak = Math.max(1, failedResetStreak);
    }

    public String getBuildSandbox() {
        return buildSandbox;
    }

    @DataBoundSetter
    public void setBuildSandbox(String buildSandbox) {
        String k = Util.fixEmptyAndTrim(buildSandbox);
        this.buildSandbox = k == null ? SandboxKind.BUBBLEWRAP.wireName() : k;
    }

    public int getBuildMaxProcesses() {
        return buildMaxProcesses;
    }

    @DataBoundSetter
    public void setBuildMaxProcesses(int buildMaxProcesses) {
        this.buildMaxProcesses = Math.max(AgentSandboxes.MIN_PROCESSES, buildMaxProcesses);
    }

    public int getBuildMaxMemoryMb() {
        return buildMaxMemoryMb;
    }

    @DataBoundSetter
    public void setBuildMaxMemoryMb(int buildMaxMemoryMb) {
        this.buildMaxMemoryMb = Math.max(AgentSandboxes.MIN_MEMORY_MB, buildMaxMemoryMb);
    }

    @Extension
    @Symbol("cattlepi")
    public static class DescriptorImpl extends Descriptor<Cloud> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "CattlePi rack";
        }

        public ListBoxModel doFillHostKeyPolicyItems() {
            ListBoxModel items = new ListBoxModel();
            items.add("per-boot: pin each boot's key, flag a change without a reboot", HostKeyMode.PER_BOOT.wireName());
            items.add("track: only keys the Pi reported through the CattlePi API", HostKeyMode.TRACK.wireName());
            items.add("off: no check (not recommended)", HostKeyMode.OFF.wireName());
            return items;
        }

        @POST
        public ListBoxModel doFillCattlepiCredentialsIdItems(@QueryParameter String cattlepiCredentialsId) {
            return PluginCredentials.fill(StringCredentials.class, cattlepiCredentialsId);
        }

        @POST
        public ListBoxModel doFillSshCredentialsIdItems(@QueryParameter String sshCredentialsId) {
            return PluginCredentials.fill(SSHUserPrivateKey.class, sshCredentialsId);
        }

        @POST
        public FormValidation doCheckCattlepiApiUrl(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return PluginValidation.url(value);
        }

        @POST
        public FormValidation doCheckRaspbianLocation(@QueryParameter String value, @QueryParameter String hostKeyPolicy) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (HostKeyMode.TRACK.wireName().equals(hostKeyPolicy) && Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.error("Host key policy track needs the Raspbian location: the host-key report is"
                        + " installed when the workers' config is set up");
            }
            return PluginValidation.url(value);
        }

        /** The memory field's default on a new cloud's form. */
        public int getDefaultMaxMemoryMb() {
            return AgentSandboxes.defaultMaxMemoryMb();
        }

        public ListBoxModel doFillBuildSandboxItems() {
            ListBoxModel items = new ListBoxModel();
            items.add("bubblewrap: the agent and its builds see the system read-only and their own folder",
                    SandboxKind.BUBBLEWRAP.wireName());
            items.add("off: the agent runs as Jenkins, with everything Jenkins can read (not recommended)",
                    SandboxKind.OFF.wireName());
            return items;
        }

        @POST
        public FormValidation doCheckBuildSandbox(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return SandboxKind.OFF.wireName().equals(value) ? FormValidation.warning(AgentSandboxes.OFF_WARNING)
                    : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckBuildMaxProcesses(@QueryParameter int value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return value < AgentSandboxes.MIN_PROCESSES ? FormValidation.error("At least " + AgentSandboxes.MIN_PROCESSES
                    + ": the agent's JVM alone runs dozens of threads, and threads count as processes")
                    : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckBuildMaxMemoryMb(@QueryParameter int value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return value < AgentSandboxes.MIN_MEMORY_MB ? FormValidation.error("At least " + AgentSandboxes.MIN_MEMORY_MB
                    + " MiB: the agent's JVM runs in the same limit as the build") : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckHostKeyPolicy(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return HostKeyMode.OFF.wireName().equals(value) ? FormValidation.warning("Host keys are not checked: anything answering on a Pi's"
                    + " address gets builds and the Pis' SSH key") : FormValidation.ok();
        }
    }
}
