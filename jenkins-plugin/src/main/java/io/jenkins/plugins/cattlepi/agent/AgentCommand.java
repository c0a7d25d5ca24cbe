package io.jenkins.plugins.cattlepi.agent;

import io.cattlepi.ci.sandbox.BuildCell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller-side agent's process, decided here and nowhere else: {@code java -jar agent.jar}
 * talking over stdin/stdout, run in the node's cell of core's build sandbox. The cell shows it the
 * system read-only and its own folder, in a PID namespace of its own, within the cell's process and
 * memory limits; the Pis' key is only in the cell's ssh-agent. The environment holds only
 * {@code PATH}, {@code LANG}, the cell's {@code HOME}, {@code TMPDIR} and {@code SSH_AUTH_SOCK}, and
 * one malloc setting: the controller's own variables (cloud keys and the like) never reach
 * pull-request code, which inherits the agent's environment.
 *
 * @param command   the full command line on the host: the cell's limits and sandbox, then the agent
 * @param directory where it starts, on the host (the cell's own folder)
 */
public record AgentCommand(List<String> command, Map<String, String> environment, Path directory) {
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    private static final long MIB = 1024L * 1024;

    public AgentCommand {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    /**
     * The agent in {@code cell}, with its folder as the node's remote folder (the cell's own, where
     * {@code agentJar} was copied).
     *
     * @param java           the controller's {@code java}, which the cell shows (or was given read-only)
     * @param maxMemoryBytes the cell's memory limit, which the agent's JVM shares with the build
     * @param hostPath       the controller's {@code PATH}, or null for a plain default
     */
    public static AgentCommand inCell(BuildCell cell, Path java, Path agentJar, long maxMemoryBytes, String hostPath) {
        List<String> agent = new ArrayList<>(List.of(cell.inside(java)));
        agent.addAll(jvmOptions(maxMemoryBytes));
        // The cell's own /tmp, also without a sandbox (Java ignores TMPDIR).
        agent.add("-Djava.io.tmpdir=" + cell.environment().get("TMPDIR"));
        agent.addAll(List.of("-jar", cell.inside(agentJar), "-workDir", cell.inside(cell.src())));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", hostPath == null || hostPath.isBlank() ? DEFAULT_PATH : hostPath);
        env.put("LANG", "C.UTF-8");
        // glibc gives each thread up to 8 x cores malloc arenas of 64 MiB address space; where the cell's
        // limit is per process (no cgroup), that alone would exceed it. Harmless for the build's tools.
        env.put("MALLOC_ARENA_MAX", "2");
        env.putAll(cell.environment());
        return new AgentCommand(cell.command(agent, cell.src()), env, cell.src());
    }

    /**
     * The agent's share of the cell: a quarter of its memory for the heap (128 to 512 MiB; the JVM
     * cannot see the cell's cgroup to size itself, as the sandbox shows no {@code /sys}), capped code
     * cache and class space (by default the JVM reserves over 1 GiB of address space for them, which a
     * per-process limit counts), and the serial collector (a small heap; fewer threads, which count
     * as processes).
     */
    static List<String> jvmOptions(long maxMemoryBytes) {
        long heapMb = Math.min(512, Math.max(128, maxMemoryBytes / 4 / MIB));
        return List.of("-Xmx" + heapMb + "m", "-XX:ReservedCodeCacheSize=64m", "-XX:CompressedClassSpaceSize=128m",
                "-XX:+UseSerialGC");
    }

    /** A process builder that starts exactly this, with nothing inherited from the controller's environment. */
    public ProcessBuilder processBuilder() {
        ProcessBuilder pb = new ProcessBuilder(command).directory(directory.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment);
        return pb;
    }
}
