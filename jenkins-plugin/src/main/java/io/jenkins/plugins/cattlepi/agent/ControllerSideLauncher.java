package io.jenkins.plugins.cattlepi.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Slave;
import hudson.model.TaskListener;
import hudson.remoting.Channel;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.SlaveComputer;
import hudson.util.StreamCopyThread;
import io.cattlepi.ci.sandbox.BuildCell;
import io.cattlepi.ci.sandbox.Sandbox;
import io.cattlepi.ci.sandbox.SandboxSettings;
import io.cattlepi.ci.sandbox.SandboxUnavailable;
import io.jenkins.plugins.cattlepi.cloud.PiCloud;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Runs a Pi node's agent as a process on the controller's host, talking over its stdin/stdout.
 * The CattlePi recipe reboots the Pi mid-build, which would cut an agent running on the Pi; here
 * the Pi is only the device under build, reached as {@code BUILDER_NODE}. The agent and the
 * pull-request code it runs are hostile to the controller, so the agent runs in a cell of core's
 * build sandbox, opened here at launch and closed when the node terminates ({@link AgentCells}):
 * {@code JENKINS_HOME}, the controller's files and other nodes' folders are not in it, the Pis' key
 * only through the cell's own ssh-agent. What the process is ({@link AgentCommand}) is decided in
 * one place.
 *
 * <p>Nothing configures it: the cloud gives it to each Pi node it makes, it has no form and no
 * {@code @DataBoundConstructor}, its descriptor is hidden outside Pi nodes ({@link PiNodesOnly}),
 * and it refuses to start the agent of any other node. A launcher that runs a process on the
 * controller is a way to run code there for whoever may configure agents.
 */
public class ControllerSideLauncher extends ComputerLauncher {
    /**
     * Dropped: a command prefix (e.g. {@code sudo -n -u pibuild}) could not work, since the Jenkins
     * user creates the agent folder and {@code agent.jar}, and it let anyone who may configure agents
     * run any command on the controller; the cell replaces it. Transient, so a launcher saved with it
     * (on an ordinary agent, which it now refuses to launch) still loads: XStream2 reads transient
     * fields (hudson.util.RobustReflectionConverter#fieldDefinedInClass) and never writes them.
     */
    @Deprecated
    private transient String commandPrefix;

    public ControllerSideLauncher() {
    }

    @Override
    public void launch(SlaveComputer computer, TaskListener listener) throws IOException, InterruptedException {
        Slave node = computer.getNode();
        if (node == null) {
            throw new IOException("node of " + computer.getName() + " is gone");
        }
        if (!(node instanceof PiNode pi)) {
            throw new AbortException("The CattlePi controller-side launcher only launches CattlePi Pi nodes, not "
                    + node.getNodeName() + ": choose another launch method for it");
        }
        PiCloud cloud = pi.cloud().orElseThrow(() -> new AbortException("The Pi cloud " + pi.getCloudName()
                + " of " + pi.getNodeName() + " is gone"));
        SandboxSettings settings;
        try {
            settings = cloud.sandboxSettings();
        } catch (IllegalArgumentException e) {
            throw new AbortException(e.getMessage());
        }
        Path work = cloud.agentWork(pi.getNodeName());
        Sandbox sandbox = sandbox(cloud.name, settings, work, pi);
        Path javaHome = Path.of(System.getProperty("java.home"));
        BuildCell cell = AgentCells.open(pi.getNodeName(), sandbox, work, cloud.piKey(),
                sandbox.shows(javaHome) ? List.of() : List.of(javaHome));
        try {
            Path jar = cell.src().resolve("agent.jar");
            try (InputStream in = new Slave.JnlpJar("agent.jar").getURL().openStream()) {
                Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
            }
            // Readable by the cell's build user whatever Jenkins' umask (as root, the cell runs as another user).
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            AgentCommand agent = AgentCommand.inCell(cell, javaHome.resolve("bin").resolve("java"), jar,
                    settings.maxMemoryBytes(), System.getenv("PATH"));
            listener.getLogger().println("Isolation: " + cell.describe());
            listener.getLogger().println("Starting the agent on the controller's host, in its cell: "
                    + String.join(" ", agent.command()));
            Process process = agent.processBuilder().start();
            AgentCells.started(pi.getNodeName(), process);
            // The agent's and the sandbox's own complaints go to the node's log, as command-launcher's
            // CommandLauncher#launch copies a launched agent's stderr.
            new StreamCopyThread("stderr of the CattlePi agent of " + pi.getNodeName(), process.getErrorStream(),
                    listener.getLogger()).start();
            computer.setChannel(process.getInputStream(), process.getOutputStream(), listener, new Channel.Listener() {
                @Override
                public void onClosed(Channel channel, IOException cause) {
                    process.destroy();
                }
            });
        } catch (IOException | InterruptedException | RuntimeException e) {
            AgentCells.close(pi.getNodeName());
            throw e;
        }
    }

    /** The cloud's sandbox, checked now if need be, and the one the node was made for (its remote folder names it). */
    private static Sandbox sandbox(String cloud, SandboxSettings settings, Path work, PiNode pi) throws AbortException {
        Sandbox sandbox;
        try {
            sandbox = AgentSandboxes.start(cloud, settings);
        } catch (SandboxUnavailable e) {
            throw new AbortException("Pi cloud " + cloud + ": the agent's sandbox cannot work here: " + e.getMessage());
        }
        if (!sandbox.srcInside(work).equals(pi.getRemoteFS())) {
            throw new AbortException("Pi cloud " + cloud + ": its build sandbox changed since " + pi.getNodeName()
                    + " was made (its remote folder is " + pi.getRemoteFS() + "); it is not started, and is removed"
                    + " after the cloud's idle minutes");
        }
        return sandbox;
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<ComputerLauncher> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "CattlePi: agent on the controller's host, the Pi as BUILDER_NODE (Pi nodes only)";
        }
    }
}
