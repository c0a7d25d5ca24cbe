package io.jenkins.plugins.cattlepi.agent;

import io.cattlepi.ci.build.run.FileTrees;
import io.cattlepi.ci.sandbox.BuildCell;
import io.cattlepi.ci.sandbox.Sandbox;
import io.cattlepi.ci.secret.Secret;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cells Pi nodes' agents run in, by node name: opened when the node launches, closed when it
 * terminates or Jenkins stops. Closing one ends its agent and whatever the build left running,
 * stops the ssh-agent that holds the Pis' key for it, gives its build user back, and deletes its
 * folder (workspaces included: a Pi node is made for one build).
 */
public final class AgentCells {
    private static final Logger LOG = Logger.getLogger(AgentCells.class.getName());
    private static final long AGENT_EXIT_SECONDS = 5;
    private static final Map<String, Open> OPEN = new ConcurrentHashMap<>();

    /** A node's cell, its folder on the host, and the agent once started. */
    private static final class Open {
        final BuildCell cell;
        final Path work;
        volatile Process agent;

        Open(BuildCell cell, Path work) {
            this.cell = cell;
            this.work = work;
        }

        void close() {
            Process p = agent;
            if (p != null) {
                // The sandbox's init dies with it (bubblewrap --die-with-parent), and the PID namespace with that.
                p.destroy();
                try {
                    if (!p.waitFor(AGENT_EXIT_SECONDS, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroyForcibly();
                }
            }
            cell.close();
            try {
                FileTrees.delete(work);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete the agent's folder " + work, e);
            }
        }
    }

    private AgentCells() {
    }

    /**
     * Opens the node's cell under {@code work}, after closing one an earlier launch of the node left
     * and deleting what a previous Jenkins left there (the sandbox wants an empty folder).
     *
     * @param readOnly host folders the agent must read that the cell does not show (a JDK outside {@code /usr})
     */
    static synchronized BuildCell open(String node, Sandbox sandbox, Path work, Secret piKey, List<Path> readOnly)
            throws IOException {
        close(node);
        FileTrees.delete(work);
        // A cgroup is named after the cell: keep to characters every cgroup file system takes.
        BuildCell cell = sandbox.open("jenkins-" + node.replaceAll("[^A-Za-z0-9_.-]", "_"), work, piKey, readOnly);
        OPEN.put(node, new Open(cell, work));
        return cell;
    }

    /** The agent now runs in the node's cell: closing the cell ends it first. */
    static void started(String node, Process agent) {
        Open open = OPEN.get(node);
        if (open != null) {
            open.agent = agent;
        }
    }

    /** Closes the node's cell, if it has one. */
    public static synchronized void close(String node) {
        Open open = OPEN.remove(node);
        if (open != null) {
            open.close();
        }
    }

    /** When Jenkins stops: no ssh-agent holding the Pis' key outlives it. */
    public static synchronized void closeAll() {
        List.copyOf(OPEN.keySet()).forEach(AgentCells::close);
    }
}
