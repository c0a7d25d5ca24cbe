package io.jenkins.plugins.cattlepi.agent;

import io.cattlepi.ci.sandbox.Sandbox;
import io.cattlepi.ci.sandbox.SandboxKind;
import io.cattlepi.ci.sandbox.SandboxSettings;
import io.cattlepi.ci.sandbox.SandboxUnavailable;
import io.jenkins.plugins.cattlepi.lifecycle.PluginThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;

/**
 * Each Pi cloud's sandbox for its controller-side agents (core's {@link Sandbox}), kept while the
 * cloud's sandbox settings stay the same. Starting one runs bubblewrap once to see that it works
 * here, so provisioning, which runs on Jenkins' shared Timer, never starts one: it asks for the
 * current one and gets none until the plugin's thread has started it. One that cannot work is
 * logged with how to fix it and tried again a minute later; until then the cloud makes no node,
 * whose agent could not start anyway.
 */
public final class AgentSandboxes {
    /** The agent's JVM alone runs dozens of threads, and a cell's process limit counts threads. */
    public static final int MIN_PROCESSES = 128;
    /**
     * The agent's JVM shares the cell's memory with the build. Where no cgroup can be made the
     * limit is on each process's address space, and a JVM reserves far more than it uses: with the
     * caps {@link AgentCommand} sets, about 550 MiB plus its heap.
     */
    public static final int MIN_MEMORY_MB = 1024;
    public static final String OFF_WARNING = "The build sandbox is off: Pi nodes' agents, and the pull requests"
            + " they build, run as Jenkins' user on the controller, with everything it can read (JENKINS_HOME, its"
            + " secrets and credentials, other workspaces). Install bubblewrap and set it to bubblewrap.";
    private static final Logger LOG = Logger.getLogger(AgentSandboxes.class.getName());
    private static final Duration RETRY = Duration.ofMinutes(1);
    private static final Map<String, Started> STARTED = new ConcurrentHashMap<>();
    private static final Set<String> STARTING = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService CHECKS = PluginThreads.serial("agent sandbox checks");

    /** A start with these settings: the sandbox, or null when it cannot work (tried again after {@link #RETRY}). */
    private record Started(SandboxSettings settings, Sandbox sandbox, Instant at) {
        boolean answers(SandboxSettings wanted) {
            return settings.equals(wanted) && (sandbox != null || Instant.now().isBefore(at.plus(RETRY)));
        }
    }

    private AgentSandboxes() {
    }

    /** Half of this machine's memory, as for the standalone controller's builds, but never below the agent's floor. */
    public static int defaultMaxMemoryMb() {
        return (int) Math.max(MIN_MEMORY_MB, SandboxSettings.defaultMaxMemory() / SandboxSettings.MIB);
    }

    /** For provisioning: the cloud's sandbox if it is started with these settings; otherwise it is started soon. */
    public static Optional<Sandbox> current(String cloud, SandboxSettings settings) {
        Started now = STARTED.get(cloud);
        if (now != null && now.answers(settings)) {
            return Optional.ofNullable(now.sandbox());
        }
        if (STARTING.add(cloud)) {
            CHECKS.execute(() -> {
                try {
                    start(cloud, settings);
                } catch (SandboxUnavailable e) {
                    // logged by start
                } finally {
                    STARTING.remove(cloud);
                }
            });
        }
        return Optional.empty();
    }

    /**
     * For launching, on a thread that may wait: the cloud's sandbox, started now if need be.
     *
     * @throws SandboxUnavailable saying how to fix it
     */
    public static synchronized Sandbox start(String cloud, SandboxSettings settings) throws SandboxUnavailable {
        Started now = STARTED.get(cloud);
        if (now != null && now.sandbox() != null && now.settings().equals(settings)) {
            return now.sandbox();
        }
        try {
            Sandbox sandbox = Sandbox.start(settings);
            STARTED.put(cloud, new Started(settings, sandbox, Instant.now()));
            if (settings.kind() == SandboxKind.OFF) {
                LOG.warning("*** Pi cloud " + cloud + ": " + OFF_WARNING + " ***");
            }
            return sandbox;
        } catch (SandboxUnavailable e) {
            STARTED.put(cloud, new Started(settings, null, Instant.now()));
            LOG.warning("Pi cloud " + cloud + " makes no Pi node: its agents' sandbox cannot work here: " + e.getMessage()
                    + " (build_sandbox is the cloud's Build sandbox field; buildSandbox in Configuration as Code)");
            throw e;
        }
    }
}
