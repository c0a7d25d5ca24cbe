package io.jenkins.plugins.cattlepi.agent;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The controller-side agent's process: its command line, environment and folder, decided here and
 * nowhere else, so that one change can run it inside core's build sandbox. The environment holds
 * only {@code PATH}, {@code LANG} and a private {@code HOME}: the controller's own variables (cloud
 * keys and the like) never reach pull-request code.
 */
public record AgentCommand(List<String> command, Map<String, String> environment, Path workDir) {
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    public AgentCommand {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    /**
     * {@code java -jar agent.jar -workDir <folder>} with the controller's own Java, talking over
     * stdin/stdout.
     *
     * @param hostPath the controller's {@code PATH}, or null for a plain default
     */
    public static AgentCommand forAgent(Path javaHome, Path agentJar, Path workDir, String hostPath) {
        List<String> command = List.of(javaHome.resolve("bin").resolve("java").toString(), "-jar", agentJar.toString(),
                "-workDir", workDir.toString());
        Map<String, String> env = Map.of("PATH", hostPath == null || hostPath.isBlank() ? DEFAULT_PATH : hostPath,
                "LANG", "C.UTF-8", "HOME", workDir.toString());
        return new AgentCommand(command, env, workDir);
    }

    /** A process builder that starts exactly this, with nothing inherited from the controller's environment. */
    public ProcessBuilder processBuilder() {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment);
        return pb;
    }
}
