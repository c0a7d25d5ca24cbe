package io.jenkins.plugins.cattlepi.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Runs the node's agent as a process on the controller's host, talking over its stdin/stdout.
 * The CattlePi recipe reboots the Pi mid-build, which would cut an agent running on the Pi; here
 * the Pi is only the device under build, reached as {@code BUILDER_NODE}. The process starts with
 * an empty environment (PATH, LANG and a private HOME only), so the controller's own variables
 * (cloud keys and the like) never reach pull-request code; a command prefix such as
 * {@code sudo -n -u pibuild} runs it as another user.
 */
public class ControllerSideLauncher extends ComputerLauncher {
    private final String commandPrefix;

    @DataBoundConstructor
    public ControllerSideLauncher(String commandPrefix) {
        this.commandPrefix = Util.fixEmptyAndTrim(commandPrefix);
    }

    public String getCommandPrefix() {
        return commandPrefix;
    }

    @Override
    public void launch(SlaveComputer computer, TaskListener listener) throws IOException, InterruptedException {
        Slave node = computer.getNode();
        if (node == null) {
            throw new IOException("node of " + computer.getName() + " is gone");
        }
        Path workDir = Path.of(node.getRemoteFS());
        Files.createDirectories(workDir);
        Path jar = workDir.resolve("agent.jar");
        try (InputStream in = new Slave.JnlpJar("agent.jar").getURL().openStream()) {
            Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>();
        if (commandPrefix != null) {
            command.addAll(Arrays.asList(commandPrefix.split("\\s+")));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-jar", jar.toString(), "-workDir", workDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectError(workDir.resolve("agent.err").toFile());
        Map<String, String> env = pb.environment();
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.put("LANG", "C.UTF-8");
        env.put("HOME", workDir.toString());
        listener.getLogger().println("Starting the agent on the controller's host: " + String.join(" ", command));
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
            return "Agent on the controller's host, the Pi as BUILDER_NODE";
        }
    }
}
