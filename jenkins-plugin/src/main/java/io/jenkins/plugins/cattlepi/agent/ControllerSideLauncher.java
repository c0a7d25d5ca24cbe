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
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Runs a Pi node's agent as a process on the controller's host, talking over its stdin/stdout.
 * The CattlePi recipe reboots the Pi mid-build, which would cut an agent running on the Pi; here
 * the Pi is only the device under build, reached as {@code BUILDER_NODE}. What the process is
 * ({@link AgentCommand}) is decided in one place.
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
     * run any command on the controller. Transient, so a launcher saved with it (on an ordinary agent,
     * which it now refuses to launch) still loads: XStream2 reads transient fields
     * (hudson.util.RobustReflectionConverter#fieldDefinedInClass) and never writes them.
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
        if (!(node instanceof PiNode)) {
            throw new AbortException("The CattlePi controller-side launcher only launches CattlePi Pi nodes, not "
                    + node.getNodeName() + ": choose another launch method for it");
        }
        Path workDir = Path.of(node.getRemoteFS());
        Files.createDirectories(workDir);
        Path jar = workDir.resolve("agent.jar");
        try (InputStream in = new Slave.JnlpJar("agent.jar").getURL().openStream()) {
            Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        AgentCommand agent = AgentCommand.forAgent(Path.of(System.getProperty("java.home")), jar, workDir,
                System.getenv("PATH"));
        ProcessBuilder pb = agent.processBuilder().redirectError(workDir.resolve("agent.err").toFile());
        listener.getLogger().println("Starting the agent on the controller's host: " + String.join(" ", agent.command()));
        Process process = pb.start();
        computer.setChannel(process.getInputStream(), process.getOutputStream(), listener, new Channel.Listener() {
            @Override
            public void onClosed(Channel channel, IOException cause) {
                process.destroy();
            }
        });
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
