package io.cattlepi.ci.sandbox.limits;

import java.util.List;
import java.util.Optional;

/**
 * One build's bound on processes and memory. A cgroup of its own where the host lets the
 * controller make one (all its processes together, and which limit was hit is known); otherwise
 * resource limits on each process (see {@link ProcessLimits} for what they do not cover).
 */
public interface BuildLimits extends AutoCloseable {
    /** Command words that run the rest of the command line under the limits. */
    List<String> prefix();

    /** The limit the build ran into ("its limit of 512 processes"), if any was. */
    Optional<String> exceeded();

    /** What is enforced, for the build log. */
    String describe();

    /** Kills what is left of the build and removes its cgroup. */
    @Override
    void close();

    /** A cgroup when one can be made here, else per-process limits. */
    static BuildLimits open(String name, int maxProcesses, long maxMemoryBytes) {
        return Cgroups.detect()
                .<BuildLimits>flatMap(c -> c.create(name, maxProcesses, maxMemoryBytes))
                .orElseGet(() -> new ProcessLimits(maxProcesses, maxMemoryBytes));
    }
}
